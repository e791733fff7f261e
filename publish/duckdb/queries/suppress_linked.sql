-- Shared counts: metrics the catalogue says share a count
-- (numerator_count, denominator_count: falls, pressure ulcers and hospital
-- admissions per 1,000 occupied bed days, and occupancy, whose numerator
-- is occupied bed days) publish it once for each figure of the same
-- council, provider, service and period. A figure hidden for one of them
-- hides the shared count only if the sisters' figures of that cell are
-- hidden too, since each gives it back (its denominator, or its value
-- with its numerator). So every sister figure that shows something
-- becomes [c], with its value, counts and note removed. Build runs this
-- with each round of secondary suppression, since a sister hidden here
-- may leave a group of its own metric with one hidden member.
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
      SELECT (h.council_code, h.provider_id, h.service, s.sister, h.period)
      FROM observations h
      JOIN sisters s ON s.metric = h.metric
      WHERE h.status = 'c'
  )
