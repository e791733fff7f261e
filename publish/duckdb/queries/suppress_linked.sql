-- Shared counts: metrics the catalogue says share a count
-- (numerator_count, denominator_count: falls, pressure ulcers and hospital
-- admissions per 1,000 occupied bed days, and occupancy, whose numerator
-- is occupied bed days) publish it once for each figure of the same
-- council, provider, service and period. A figure hidden for one of them
-- hides the shared count only if the sisters' figures of that cell are
-- hidden too, since each gives it back (its denominator, or its value
-- with its numerator); and the sisters' figures of every period that
-- overlaps it, since a sister's year less the other metric's quarters
-- shown gives the shared count of the quarter hidden (and a sister's
-- quarters added up give the count of a year hidden). So every sister
-- figure of the same council, provider and service, of a period that
-- overlaps the hidden one, that shows something becomes [c], with its
-- value, counts and note removed. That is conservative: hiding a
-- quarter's figure can hide the sister's year, and that the metric's
-- other quarters. Build runs this with each round of secondary
-- suppression, since a sister hidden here may leave a group of its own
-- metric with one hidden member.
--
-- The cells to hide are added to suppress_steps as step $step, and
-- suppress_apply.sql hides them. Only figures hidden since the last run
-- (a step at or after $since), or every hidden figure when $every, are
-- read as the hidden ones: a figure hidden before the last run had its
-- sisters hidden by it, and a sister once hidden never shows anything
-- again.
INSERT INTO suppress_steps
WITH overlapping AS (
    -- Each observed period with every observed period that overlaps it
    -- (itself included): a few hundred pairs, so the figures join on equal
    -- keys alone rather than comparing the dates of every period of a
    -- cell's council, provider, service and sister metric.
    SELECT a.period, b.period AS other
    FROM period_links a
    JOIN period_links b ON b.period_start <= a.period_end AND b.period_end >= a.period_start
),
sisters AS (
    SELECT a.id AS metric, b.id AS sister
    FROM metrics a
    JOIN metrics b ON a.id <> b.id
     AND ((coalesce(a.numerator_count, '') <> '' AND a.numerator_count IN (b.numerator_count, b.denominator_count))
          OR (coalesce(a.denominator_count, '') <> '' AND a.denominator_count IN (b.numerator_count, b.denominator_count)))
)
SELECT DISTINCT f.rowid AS rid, $step::INTEGER AS step
FROM observations h
JOIN sisters s ON s.metric = h.metric
JOIN overlapping ov ON ov.period = h.period
JOIN observations f ON f.council_code = h.council_code AND f.provider_id = h.provider_id
                   AND f.service = h.service AND f.metric = s.sister AND f.period = ov.other
WHERE h.status = 'c'
  AND ($every OR h.rowid IN (SELECT rid FROM suppress_steps WHERE step >= $since))
  AND f.status <> 'c' AND (f.value IS NOT NULL OR f.numerator IS NOT NULL OR f.denominator IS NOT NULL)
