-- The counts metrics share (the catalogue's numerator_count,
-- denominator_count) whose figures, as the councils gave them
-- (disclosure_truth), differ from metric to metric for one council,
-- provider, service and period: ingest does not make sisters agree. The
-- interval audit (audit_members.sql) gives each metric its own unknown for
-- such a count. Made once with disclosure_truth, which Build does not
-- change after, rather than in every audit.
CREATE OR REPLACE TEMP TABLE disclosure_disagree AS
WITH shared AS (
    SELECT t.council_code, t.provider_id, t.service, t.period, c.name, CASE c.side WHEN 'x' THEN t.x ELSE t.n END AS v
    FROM disclosure_truth t
    JOIN (SELECT id, 'x' AS side, numerator_count AS name FROM metrics WHERE coalesce(numerator_count, '') <> ''
          UNION ALL
          SELECT id, 'n', denominator_count FROM metrics WHERE coalesce(denominator_count, '') <> '') c
      ON c.id = t.metric
)
SELECT council_code, provider_id, service, period, name
FROM shared
GROUP BY ALL
HAVING max(v) - min(v) >= 0.5
