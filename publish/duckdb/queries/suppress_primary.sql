-- Primary suppression: a figure of a small_counts metric whose counts are
-- small (small_cell, with the metric's own thresholds) becomes [c], whatever its status was, with its value,
-- counts and note removed (a note written for a figure that was to be
-- shown may quote it).
UPDATE observations o
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
FROM metrics m
WHERE m.id = o.metric AND m.disclosure = 'small_counts' AND o.status <> 'c'
  AND small_cell(m.kind, m.multiplier, o.numerator, o.denominator, o.value, m.small_count, m.min_denominator)
