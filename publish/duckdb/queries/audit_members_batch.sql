-- The members of one batch of the interval audit ($batch), from the rows
-- audit_members.sql stored in audit_member_rows: a group's members
-- together, in the order of the group's release ('' first), then its gid
-- (this release's) or hgroup (an earlier release's), then the member's
-- provider and period, the order in which the audit numbers its
-- equations. A group's members are unique by its release and gid or
-- hgroup (each names the group's link, council, provider, service,
-- metric and period) and the member's provider and period, so the order
-- is total. Integer keys sort this release's members, which are most of
-- them, far faster than the six text columns that name a group.
SELECT release, gid, hgroup, council_code, provider_id, service, metric, period,
       is_total, unknown, x, n, kind, tx, tn, is_primary, x_count, n_count, small_count
FROM audit_member_rows
WHERE batch = $batch
ORDER BY release, gid, hgroup, provider_id, period
