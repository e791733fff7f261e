-- Every metric, period and service with a provider figure, each sector
-- in it with its sector_benchmarks row when it has one, for the website's
-- sectors pages: by metric, period, service and sector.
--
-- sector_benchmarks holds a sector only where one of its rows has a
-- value, so the figures of each sector (the providers table's sector of
-- each provider row of comparisons, '' for a provider without one) are
-- counted here too, those without a value apart: a page can then say
-- that a sector's figures were all withheld or not available, rather
-- than leave it out as if it had none.
WITH counted AS (
    SELECT c.metric, c.period, c.service, coalesce(p.sector, '') AS sector,
           count(*) AS n_figures,
           count(*) FILTER (WHERE c.value IS NULL) AS n_blank
    FROM comparisons c
    LEFT JOIN providers p ON p.provider_id = c.provider_id
    WHERE c.provider_id <> ''
    GROUP BY ALL
)
SELECT k.metric, k.period, k.service, k.sector,
       coalesce(s.n_rows, 0), coalesce(s.n_providers, 0), coalesce(s.n_councils, 0),
       s.numerator, s.denominator, s.value,
       s.ci95_lower, s.ci95_upper, s.ci998_lower, s.ci998_upper,
       s.national_value, coalesce(s.band_national, ''),
       k.n_figures, k.n_blank
FROM counted k
LEFT JOIN sector_benchmarks s
       ON s.metric = k.metric AND s.period = k.period AND s.service = k.service AND s.sector = k.sector
ORDER BY k.metric, k.period, k.service, k.sector
