-- Marks [r] the observations revised since the previous release (whose
-- data/observations.parquet is $previous): a figure published in both
-- (neither c, x nor z) whose value, numerator or denominator changed. A
-- row with a marker of its own keeps it, and a marker that changes alone
-- (p becoming final) is not a revision. publish/revisions.go lists the same
-- rows in release.json.
UPDATE observations AS o
SET status = 'r'
FROM read_parquet($previous) AS p
WHERE o.metric = p.metric AND o.period = p.period AND o.council_code = p.council_code
  AND o.provider_id = p.provider_id AND o.service = p.service
  AND o.status = ''
  AND p.status NOT IN ('c', 'x', 'z')
  AND (o.value IS DISTINCT FROM p.value
       OR o.numerator IS DISTINCT FROM p.numerator
       OR o.denominator IS DISTINCT FROM p.denominator)
