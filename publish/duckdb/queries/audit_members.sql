-- The equations of the interval audit (disclosure_audit.go): every linked
-- group of this release (release '', the groups of disclosure_links)
-- and of every earlier release (history_members, once for each set of
-- groups in history_sets: releases that published the same groups with
-- the same figures share one set and are read once, release naming the
-- set), that has a member whose counts the release withheld (or, in this
-- release, a published member that leaves a count out), of the units
-- audit_scope.sql stored (audit_scope). One row per
-- member, with the number of the batch of councils the audit holds at
-- once ($councils and $batch_of, lists of the same length: a council and
-- its batch's number; every council in batch 0 where they are NULL).
-- eachAuditMember stores these rows in a temporary table
-- (audit_member_rows), which DuckDB can spill, and reads them a batch at
-- a time (audit_members_batch.sql), since a query's whole result is held
-- at once (session.query).
--
--   gid       this release's group (disclosure_links.gid), one integer
--             rather than the six text columns that name it; NULL for an
--             earlier release's
--   hgroup    an earlier release's group: its link, council, provider,
--             service, metric and period joined by chr(31); NULL for this
--             release's. The audit reads each member's own council,
--             provider, service, metric and period, and no other text.
--   unknown   the release withheld the member and no earlier release
--             published the counts it has now (history_known): its counts
--             are the unknowns, the same unknowns in every release that
--             withholds the cell
--   x, n      a published member's numerator (a count's value) and
--             denominator, as that release published them; for a member
--             hidden now whose numerator or denominator, each on its own,
--             an earlier release published as it is now, that count
--             (known data however the value was written). NULL when not
--             shown.
--   tx, tn    an unknown member's counts as the council gave them
--             (disclosure_truth; NULL for a cell this release no longer
--             has, and for one the council marked [c]); is_primary marks a
--             cell hidden for itself, whose bounds the audit checks.
--   x_count, n_count
--             the names of the counts the member's metric shares with
--             others (metrics.numerator_count, denominator_count; '' for
--             its own): the same count of one cell is one unknown
--             whichever metric's group it appears in. '' too where the
--             councils' figures of the cell give the shared count
--             different values under different metrics (ingest does not
--             make sisters agree): a reader cannot tie such figures, and
--             one unknown with the first metric's value would make the
--             other metric's equations look broken (a gap) and leave them
--             bounding nothing, so each metric keeps its own.
--   small_count
--             the small_counts threshold of the member's metric (0 for
--             none), which sets how wide its ranges must stay.
WITH batches AS (
    -- Two unnests in one SELECT pair the lists' elements by position.
    -- $councils names each council once.
    SELECT unnest($councils::VARCHAR[]) AS council_code, unnest($batch_of::INTEGER[]) AS n
),
current_members AS (
    -- This release's groups are the ones suppression linked
    -- (disclosure_links.sql links the same cells, of the same kinds of
    -- metric, on the same keys, and holds each member's figures as the
    -- councils gave them and what earlier releases published of it), each
    -- member joined to its row of observations by rowid (rid).
    SELECT '' AS release, l.gid, NULL::VARCHAR AS hgroup,
           l.link, l.council_code, l.group_provider, l.service, l.metric, l.group_period,
           l.provider_id, l.period,
           o.status = 'c' AND NOT l.known AS unknown,
           CASE WHEN o.status <> 'c' THEN coalesce(o.numerator, CASE WHEN m.kind = 'count' THEN o.value END)
                WHEN l.known OR l.known_x THEN l.truth_x END AS x,
           CASE WHEN o.status <> 'c' THEN o.denominator
                WHEN l.known OR l.known_n THEN l.truth_n END AS n,
           l.is_total, l.truth_x, l.truth_n, l.is_primary
    FROM disclosure_links l
    JOIN audit_scope s ON s.council_code = l.council_code AND s.service = l.service AND s.metric = l.metric
    JOIN observations o ON o.rowid = l.rid
    JOIN metrics m ON m.id = l.metric
),
current_groups AS (
    -- Only groups with an unknown give the audit an equation it can use:
    -- a member whose counts the release withheld, or a published member
    -- that leaves a count out (a rate shown without its numerator). That
    -- count is an unknown too, which the group may pin and, through it, a
    -- hidden cell of another group that holds the same count
    -- (TestAuditReadsValueOnlyGroups).
    SELECT * FROM current_members
    WHERE gid IN (SELECT c.gid FROM current_members c JOIN metrics m ON m.id = c.metric
                  WHERE c.unknown OR c.x IS NULL OR (c.n IS NULL AND m.kind <> 'count'))
),
history_truth AS (
    -- The councils' figures of the cells earlier releases' groups in
    -- scope hold, taken apart so that DuckDB hashes the few history
    -- members rather than every row of disclosure_truth (none at all in a
    -- first release), and only those in scope: a later round's few units
    -- took most of their time at 5M on the whole history here
    -- (BENCHMARKS.md, "The interval audit's reading").
    SELECT t.* FROM disclosure_truth t
    SEMI JOIN (SELECT DISTINCT council_code, provider_id, service, metric, period
               FROM history_members SEMI JOIN audit_scope USING (council_code, service, metric)) h
      USING (council_code, provider_id, service, metric, period)
),
history_members_scoped AS (
    -- Each group an earlier release published with a hidden member, once
    -- for every set of groups that holds it. Of the earlier releases that
    -- published the very same groups with the same figures (one set, as
    -- a release republishing unchanged data does) only one is read: the
    -- others' equations are its own over unknowns of their own (a count a
    -- published member leaves out, a hidden count revised since), which
    -- bound nothing it does not, so the audit's input does not grow with
    -- the number of releases that repeat the same figures.
    SELECT s.sig_set AS release, NULL::BIGINT AS gid,
           concat_ws(chr(31), h.link, h.council_code, h.group_provider, h.service, h.metric, h.group_period) AS hgroup,
           h.link, h.council_code, h.group_provider, h.service, h.metric, h.group_period,
           h.provider_id, h.period, h.hidden AS unknown, h.x, h.n, h.is_total,
           t.x AS truth_x, t.n AS truth_n, t.is_primary
    FROM history_members h
    JOIN history_sets s USING (sig)
    JOIN audit_scope USING (council_code, service, metric)
    JOIN metrics m ON m.id = h.metric
    LEFT JOIN history_truth t USING (council_code, provider_id, service, metric, period)
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
),
history AS (
    SELECT * FROM history_members_scoped
    QUALIFY bool_or(unknown) OVER (PARTITION BY release, hgroup)
),
members AS (
    SELECT * FROM current_groups
    UNION ALL
    SELECT * FROM history
)
SELECT coalesce(b.n, 0) AS batch, mb.release, mb.gid, mb.hgroup, mb.council_code, mb.provider_id, mb.service, mb.metric, mb.period,
       mb.is_total, mb.unknown, mb.x, mb.n, m.kind,
       CASE WHEN mb.unknown THEN mb.truth_x END AS tx, CASE WHEN mb.unknown THEN mb.truth_n END AS tn,
       coalesce(mb.unknown AND mb.release = '' AND mb.is_primary, false) AS is_primary,
       CASE WHEN dx.name IS NULL THEN coalesce(m.numerator_count, '') ELSE '' END AS x_count,
       CASE WHEN dn.name IS NULL THEN coalesce(m.denominator_count, '') ELSE '' END AS n_count,
       coalesce(m.small_count, 0) AS small_count
FROM members mb
JOIN metrics m ON m.id = mb.metric
LEFT JOIN batches b ON b.council_code = mb.council_code
LEFT JOIN disclosure_disagree dx
  ON dx.council_code = mb.council_code AND dx.provider_id = mb.provider_id AND dx.service = mb.service
 AND dx.period = mb.period AND dx.name = m.numerator_count
LEFT JOIN disclosure_disagree dn
  ON dn.council_code = mb.council_code AND dn.provider_id = mb.provider_id AND dn.service = mb.service
 AND dn.period = mb.period AND dn.name = m.denominator_count
