-- Adds to link_sigs the signature of each group of link_members whose
-- gid hashes to $batch modulo $batches (a gid is a multiple of 3 plus its
-- link, so the hash spreads the links over the batches): the MD5 of the group's description and
-- its members in (provider_id, period, is_total) order, as
-- history_derive_members.sql signs a group. An ordered string_agg holds
-- every row it is given until its group is done, and does not spill: at
-- twenty million rows with council-wide totals, all the groups at once
-- ran out of a 3GB limit, so publish gives it a batch of groups at a time
-- (recordHistory).
INSERT INTO link_sigs
SELECT gid,
       md5(concat_ws(chr(31), any_value(link), any_value(council_code), any_value(group_provider),
           any_value(service), any_value(metric), any_value(group_period),
           string_agg(concat_ws(chr(30), provider_id, period, is_total, hidden, coalesce(x::VARCHAR, '-'),
                                coalesce(n::VARCHAR, '-')), chr(29) ORDER BY provider_id, period, is_total))) AS sig
FROM link_members
WHERE hash(gid) % $batches = $batch
GROUP BY gid
