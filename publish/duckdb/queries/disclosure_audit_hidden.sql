-- Whether the interval audit (disclosure_audit.go) has anything to bound:
-- a member of this release's linked groups (disclosure_links) that is
-- hidden ([c]), or any linked group an earlier release published with a
-- hidden member (history_members), whose equations audit_members.sql
-- reads too. Without either there is nothing to bound and the audit need
-- not read its equations: a first release of returns without totals
-- links nothing. Earlier releases' groups are not looked into further
-- (which of their members are hidden now): where there is a history of
-- groups at all the audit reads it, as it always did.
SELECT EXISTS (
    SELECT 1
    FROM disclosure_links l
    JOIN observations o ON o.rowid = l.rid
    WHERE o.status = 'c'
) OR EXISTS (SELECT 1 FROM history_members)
