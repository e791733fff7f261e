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
UPDATE observations o
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
WHERE o.status <> 'c' AND (o.value IS NOT NULL OR o.numerator IS NOT NULL OR o.denominator IS NOT NULL)
  -- A semi-join, so the rows are updated in the table's own order
  -- (suppress_history.sql).
  AND (o.council_code, o.provider_id, o.service, o.metric, o.period) IN (
      WITH sisters AS (
          SELECT a.id AS metric, b.id AS sister
          FROM metrics a
          JOIN metrics b ON a.id <> b.id
           AND ((coalesce(a.numerator_count, '') <> '' AND a.numerator_count IN (b.numerator_count, b.denominator_count))
                OR (coalesce(a.denominator_count, '') <> '' AND a.denominator_count IN (b.numerator_count, b.denominator_count)))
      )
      SELECT (f.council_code, f.provider_id, f.service, f.metric, f.period)
      FROM observations h
      JOIN sisters s ON s.metric = h.metric
      JOIN period_links hp ON hp.period = h.period
      JOIN observations f ON f.council_code = h.council_code AND f.provider_id = h.provider_id
                         AND f.service = h.service AND f.metric = s.sister
      JOIN period_links fp ON fp.period = f.period
                          AND fp.period_start <= hp.period_end AND fp.period_end >= hp.period_start
      WHERE h.status = 'c'
  )
