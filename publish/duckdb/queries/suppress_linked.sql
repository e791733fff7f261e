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
-- suppress_apply.sql hides them. suppress_linked_targets.sql, run just
-- before, names the sister figures of the figures hidden since the last
-- run: this finds those that still show something.
INSERT INTO suppress_steps
SELECT DISTINCT f.rowid AS rid, $step::INTEGER AS step
FROM suppress_linked_targets t
JOIN observations f ON f.council_code = t.council_code AND f.provider_id = t.provider_id
                   AND f.service = t.service AND f.metric = t.metric AND f.period = t.period
WHERE f.status <> 'c' AND (f.value IS NOT NULL OR f.numerator IS NOT NULL OR f.denominator IS NOT NULL)
