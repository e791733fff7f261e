-- The members of link_members in the order their groups' signatures
-- join them: each group's, gid by gid, in (provider_id, period, is_total)
-- order, with its group's description (head) and its own text (part) as
-- history_derive_members.sql writes them into a signature. A group's
-- signature is the MD5 of head followed by its parts joined by chr(29):
-- head is the signature's concat_ws with '' in the place of the joined
-- parts (never NULL), so it leaves out the same NULL fields and ends in
-- the chr(31) that comes before them.
-- deriveLinks joins and hashes them in Go, rather than with
-- string_agg(... ORDER BY ...), which holds every row of every group in
-- memory until the last and cannot spill: at twenty million rows with
-- council-wide totals it ran out of a 3GB limit. ORDER BY spills, but a
-- query's whole result is held at once (session.query), so the groups
-- are read a slice of gids at a time (from $lo to $hi, cut by
-- history_link_cuts.sql).
SELECT gid,
       concat_ws(chr(31), link, council_code, group_provider, service, metric, group_period, '') AS head,
       concat_ws(chr(30), provider_id, period, is_total, hidden, coalesce(x::VARCHAR, '-'),
                 coalesce(n::VARCHAR, '-')) AS part
FROM link_members
WHERE gid BETWEEN $lo AND $hi
ORDER BY gid, provider_id, period, is_total
