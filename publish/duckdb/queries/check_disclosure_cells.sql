-- Disclosure check: no published cell shows what disclosure control hides.
--
--   hidden-shown    a [c] row with a value, a count or a statistic
--   small-count     a figure of a small_counts metric whose counts, given
--                   or implied by its value, are small, or a proportion,
--                   rate or ratio shown as a value with no count to test
--                   (small_cell)
--   small-pool      a provider profile or benchmark of a small_counts
--                   metric pooling a numerator above 0 and below the
--                   metric's small_count (1 to 4 by default), a
--                   denominator under its min_denominator (10), or for a
--                   proportion a complement (denominator - numerator)
--                   above 0 and below small_count
--   change-reveals  a change from a hidden figure, which value minus change
--                   would give back
--
-- A statistic is looked for only in a hidden row of comparisons, the one
-- place hidden-shown reads it, rather than testing every row's bands.
WITH small AS (
    SELECT id, kind, multiplier, small_count, min_denominator FROM metrics WHERE disclosure = 'small_counts'
),
hidden AS (
    SELECT 'observations' AS table_name, metric, period, council_code, provider_id, service,
           value, numerator, denominator, false AS has_statistic
    FROM observations
    WHERE status = 'c'
    UNION ALL
    SELECT 'comparisons', metric, period, council_code, provider_id, service,
           value, numerator, denominator,
           coalesce(ci95_lower, ci95_upper, ci998_lower, ci998_upper, z_score, percentile_rank,
                    quintile, robust_z, region_value, council_type_value, similar_value,
                    similar_rank, similar_n, change_prev, change_year) IS NOT NULL
           -- A band says which side of England a figure lies, as much a
           -- statistic of it as its interval: any of these words in any of
           -- the ten (as list_has_any over them would say).
           OR coalesce(
               band_national IN ('better', 'worse', 'higher', 'lower', 'similar',
                                 'increasing', 'decreasing', 'no_significant_change')
               OR band_national_95 IN ('better', 'worse', 'higher', 'lower', 'similar',
                                       'increasing', 'decreasing', 'no_significant_change')
               OR band_national_adjusted IN ('better', 'worse', 'higher', 'lower', 'similar',
                                             'increasing', 'decreasing', 'no_significant_change')
               OR band_region IN ('better', 'worse', 'higher', 'lower', 'similar',
                                  'increasing', 'decreasing', 'no_significant_change')
               OR band_council_type IN ('better', 'worse', 'higher', 'lower', 'similar',
                                        'increasing', 'decreasing', 'no_significant_change')
               OR band_similar IN ('better', 'worse', 'higher', 'lower', 'similar',
                                   'increasing', 'decreasing', 'no_significant_change')
               OR change_prev_band IN ('better', 'worse', 'higher', 'lower', 'similar',
                                       'increasing', 'decreasing', 'no_significant_change')
               OR change_year_band IN ('better', 'worse', 'higher', 'lower', 'similar',
                                       'increasing', 'decreasing', 'no_significant_change')
               OR trend IN ('better', 'worse', 'higher', 'lower', 'similar',
                            'increasing', 'decreasing', 'no_significant_change')
               OR trend_direction IN ('better', 'worse', 'higher', 'lower', 'similar',
                                      'increasing', 'decreasing', 'no_significant_change')
           , false)
    FROM comparisons
    WHERE status = 'c'
),
cells AS (
    SELECT 'observations' AS table_name, metric, period, council_code, provider_id, service,
           value, numerator, denominator
    FROM observations
    UNION ALL
    SELECT 'comparisons', metric, period, council_code, provider_id, service,
           value, numerator, denominator
    FROM comparisons
)
SELECT 'hidden-shown' AS violation, table_name, metric, period, council_code, provider_id, service,
       format('status c but value {}, numerator {}, denominator {}{}', coalesce(value::VARCHAR, 'blank'),
              coalesce(numerator::VARCHAR, 'blank'), coalesce(denominator::VARCHAR, 'blank'),
              CASE WHEN has_statistic THEN ' and a statistic' ELSE '' END) AS detail
FROM hidden
WHERE value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL OR has_statistic
UNION ALL
SELECT 'small-count', c.table_name, c.metric, c.period, c.council_code, c.provider_id, c.service,
       CASE WHEN implied_numerator(m.kind, m.multiplier, c.numerator, c.denominator, c.value) IS NULL
                 AND implied_denominator(m.kind, m.multiplier, c.numerator, c.denominator, c.value) IS NULL
            THEN format('shows value {} with no count, so the small_counts rule cannot be tested', c.value)
            ELSE format('shows numerator {} and denominator {} (given or implied by value {})',
                        coalesce(implied_numerator(m.kind, m.multiplier, c.numerator, c.denominator, c.value)::VARCHAR, 'blank'),
                        coalesce(implied_denominator(m.kind, m.multiplier, c.numerator, c.denominator, c.value)::VARCHAR, 'blank'),
                        coalesce(c.value::VARCHAR, 'blank'))
       END
FROM cells c
JOIN small m ON m.id = c.metric
WHERE small_cell(m.kind, m.multiplier, c.numerator, c.denominator, c.value, m.small_count, m.min_denominator)
UNION ALL
SELECT 'small-pool', 'provider_profile', p.metric, p.period, '', p.provider_id, p.service,
       format('pools numerator {} over denominator {}',
              coalesce(p.numerator::VARCHAR, 'blank'), coalesce(p.denominator::VARCHAR, 'blank'))
FROM provider_profile p
JOIN small m ON m.id = p.metric
WHERE (p.numerator > 0 AND p.numerator < m.small_count) OR p.denominator < m.min_denominator
   OR (m.kind = 'proportion' AND p.denominator - p.numerator > 0 AND p.denominator - p.numerator < m.small_count)
UNION ALL
SELECT 'small-pool', 'benchmarks', b.metric, b.period, '', '', b.service,
       format('{} level pools numerator {} over denominator {}', b.level,
              coalesce(b.sum_numerator::VARCHAR, 'blank'), coalesce(b.sum_denominator::VARCHAR, 'blank'))
FROM benchmarks b
JOIN small m ON m.id = b.metric
WHERE b.n_pooled > 0 AND ((b.sum_numerator > 0 AND b.sum_numerator < m.small_count)
                          OR b.sum_denominator < m.min_denominator
                          OR (m.kind = 'proportion' AND b.sum_denominator - b.sum_numerator > 0
                              AND b.sum_denominator - b.sum_numerator < m.small_count))
UNION ALL
SELECT 'change-reveals', 'comparisons', c.metric, c.period, c.council_code, c.provider_id, c.service,
       format('a change from the hidden figure for {}', e.period)
FROM comparisons c
JOIN period_links pl ON pl.period = c.period
JOIN observations e
  ON e.council_code = c.council_code AND e.provider_id = c.provider_id
 AND e.service = c.service AND e.metric = c.metric
 AND ((e.period = pl.previous AND (c.change_prev IS NOT NULL OR c.change_prev_band <> 'not_compared'))
      OR (e.period = pl.year_earlier AND (c.change_year IS NOT NULL OR c.change_year_band <> 'not_compared')))
WHERE e.status = 'c'
UNION ALL
-- A trend runs over the row's period and the four before it: one over a
-- hidden figure says which way that figure went.
SELECT 'trend-reveals', 'comparisons', c.metric, c.period, c.council_code, c.provider_id, c.service,
       format('a trend over the hidden figure for {}', e.period)
FROM comparisons c
JOIN period_links p0 ON p0.period = c.period
LEFT JOIN period_links p1 ON p1.period = p0.previous
LEFT JOIN period_links p2 ON p2.period = p1.previous
LEFT JOIN period_links p3 ON p3.period = p2.previous
JOIN observations e
  ON e.council_code = c.council_code AND e.provider_id = c.provider_id
 AND e.service = c.service AND e.metric = c.metric
 AND e.period IN (c.period, p0.previous, p1.previous, p2.previous, p3.previous)
WHERE e.status = 'c' AND c.trend <> 'not_compared'
ORDER BY ALL
