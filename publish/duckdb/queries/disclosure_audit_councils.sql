-- Each council with a cell hidden for itself, whose linked groups the
-- interval audit reads (audit_members.sql), and how many members of
-- linked groups of this release (disclosure_links) and of earlier ones
-- (history_members) it has, of the units $units names (council, service
-- and metric joined by chr(31)), or of every unit where it is NULL: what
-- the audit may hold of the council, for splitting an audit into batches
-- of councils (auditBatches).
WITH units AS (
    SELECT unnest($units::VARCHAR[]) AS unit
),
links AS (
    SELECT council_code, count(*) AS members
    FROM disclosure_links
    WHERE $units::VARCHAR[] IS NULL OR concat_ws(chr(31), council_code, service, metric) IN (SELECT unit FROM units)
    GROUP BY ALL
),
history AS (
    -- A group of an earlier release is read once for each set of groups
    -- that holds it, as audit_members.sql reads it.
    SELECT council_code, count(*) AS members
    FROM history_members
    JOIN history_sets USING (sig)
    WHERE $units::VARCHAR[] IS NULL OR concat_ws(chr(31), council_code, service, metric) IN (SELECT unit FROM units)
    GROUP BY ALL
)
SELECT p.council_code, coalesce(l.members, 0) + coalesce(h.members, 0) AS members
FROM (SELECT DISTINCT council_code FROM disclosure_truth WHERE is_primary) p
LEFT JOIN links l USING (council_code)
LEFT JOIN history h USING (council_code)
WHERE l.members IS NOT NULL OR h.members IS NOT NULL OR $units::VARCHAR[] IS NULL
ORDER BY p.council_code
