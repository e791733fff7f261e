-- derived_members (history_derive_members.sql) for the release being
-- built alone (release ''), from the groups suppression linked
-- (disclosure_links) rather than by linking the cells again: the members
-- history_link_members.sql read, each with its group's signature, which
-- deriveLinks added to link_sigs. The rows are
-- the same: history_current.sql reads every row of observations, and
-- history_derive_members.sql links them as disclosure_links.sql does (the
-- same cells, of the same kinds of metric and of the periods in
-- period_links, joined on the same keys, release '' on both sides), so a
-- group and its members are disclosure_links' own; disclosure_links
-- follows from the keys of observations, which no step after it changes,
-- and only a member's figures and status, read here from its row of
-- observations (rid), have changed since. hidden, x and n are as
-- history_current.sql and history_derive_members.sql give them: a member
-- withheld ([c]) shows neither count. TestHistoryDeriveFromLinks compares
-- the two.
CREATE OR REPLACE TEMP TABLE derived_members AS
SELECT s.sig, g.release, g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
       g.provider_id, g.period, g.is_total, g.hidden, g.x, g.n
FROM link_members g
JOIN link_sigs s USING (gid);
DROP TABLE link_members;
DROP TABLE link_sigs
