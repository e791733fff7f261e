-- Disclosure check: every pooled statistic is pooled over the published
-- cells alone, recomputed here from comparisons: the benchmarks' sums and
-- counts, each provider profile's, and the range of denominators each
-- funnel spans. A pool that differs holds something not shown, and the
-- difference would give it back. Pooling rules as in comparison_rows.sql.
WITH shown AS (
    SELECT c.metric, c.period, c.service, c.provider_id,
           CASE WHEN c.provider_id = '' THEN 'council' ELSE 'provider' END AS level,
           c.value,
           CASE WHEN c.value IS NOT NULL AND c.numerator >= 0 AND c.denominator > 0
                     AND (m.kind = 'rate' OR (m.kind = 'proportion' AND c.numerator <= c.denominator))
                THEN c.numerator END AS x,
           CASE WHEN c.value IS NOT NULL AND c.numerator >= 0 AND c.denominator > 0
                     AND (m.kind = 'rate' OR (m.kind = 'proportion' AND c.numerator <= c.denominator))
                THEN c.denominator END AS n
    FROM comparisons c
    JOIN metrics m ON m.id = c.metric
    WHERE c.status <> 'c'
),
national AS (
    SELECT metric, period, service, level,
           count(value) AS n_values, count(x) AS n_pooled,
           coalesce(sum(x), 0) AS x, coalesce(sum(n), 0) AS n, min(n) AS lo, max(n) AS hi
    FROM shown
    GROUP BY metric, period, service, level
),
profile AS (
    SELECT provider_id, metric, period, service,
           count(value) AS n_values, coalesce(sum(x), 0) AS x, coalesce(sum(n), 0) AS n
    FROM shown
    WHERE level = 'provider'
    GROUP BY provider_id, metric, period, service
),
funnel AS (
    SELECT metric, period, service, level, min(denominator) AS lo, max(denominator) AS hi
    FROM funnel_limits
    GROUP BY metric, period, service, level
)
SELECT 'pool-includes-hidden' AS violation, 'benchmarks' AS table_name, b.metric, b.period,
       '' AS council_code, '' AS provider_id, b.service,
       format('{} level pools {} / {} over {} values ({} with counts); the cells shown give {} / {} over {} ({})',
              b.level, coalesce(b.sum_numerator, 0), coalesce(b.sum_denominator, 0), b.national_n, b.n_pooled,
              coalesce(s.x, 0), coalesce(s.n, 0), coalesce(s.n_values, 0), coalesce(s.n_pooled, 0)) AS detail
FROM benchmarks b
LEFT JOIN national s USING (metric, period, service, level)
WHERE coalesce(b.sum_numerator, 0) <> coalesce(s.x, 0)
   OR coalesce(b.sum_denominator, 0) <> coalesce(s.n, 0)
   OR b.national_n <> coalesce(s.n_values, 0)
   OR b.n_pooled <> coalesce(s.n_pooled, 0)
UNION ALL
SELECT 'pool-includes-hidden', 'provider_profile', p.metric, p.period, '', p.provider_id, p.service,
       format('pools {} / {} over {} values; the cells shown give {} / {} over {}',
              coalesce(p.numerator, 0), coalesce(p.denominator, 0), p.n_values,
              coalesce(s.x, 0), coalesce(s.n, 0), coalesce(s.n_values, 0))
FROM provider_profile p
LEFT JOIN profile s USING (provider_id, metric, period, service)
WHERE coalesce(p.numerator, 0) <> coalesce(s.x, 0)
   OR coalesce(p.denominator, 0) <> coalesce(s.n, 0)
   OR p.n_values <> coalesce(s.n_values, 0)
UNION ALL
SELECT 'pool-includes-hidden', 'funnel_limits', f.metric, f.period, '', '', f.service,
       format('{} level funnel spans denominators {} to {}; the cells shown span {} to {}',
              f.level, f.lo, f.hi, coalesce(s.lo::VARCHAR, 'none'), coalesce(s.hi::VARCHAR, 'none'))
FROM funnel f
LEFT JOIN national s USING (metric, period, service, level)
WHERE s.lo IS NULL OR abs(f.lo - s.lo) > 1e-9 * s.lo OR abs(f.hi - s.hi) > 1e-9 * s.hi
ORDER BY ALL
