-- The providers whose comparison rows cannot be counted from the
-- providers and provider_profile tables, by id, at most five, each with
-- what the comparisons table counts and what the two tables say, and how
-- many there are in all. Reader.Provider takes how many comparison rows a
-- provider has from providers.n_rows, and the least metric among them
-- from its profile, so that a provider's page reads only the row groups
-- of its own metrics, not the provider_id of every row. Both hold by
-- construction (every current observation has one comparison row, and
-- every provider's comparison row one profile row); this finds where they
-- do not, and Build then refuses the release. NULL is a table without the
-- provider.
WITH counted AS (
    SELECT provider_id, count(*) AS n_rows, min(metric) AS first_metric
    FROM comparisons
    WHERE provider_id <> ''
    GROUP BY provider_id
),
profiled AS (
    SELECT provider_id, min(metric) AS first_metric
    FROM provider_profile
    GROUP BY provider_id
),
ids AS (
    SELECT provider_id FROM counted
    UNION SELECT provider_id FROM providers
    UNION SELECT provider_id FROM profiled
)
SELECT i.provider_id, c.n_rows AS comparison_rows, p.n_rows,
       c.first_metric AS comparison_first, f.first_metric AS profile_first,
       count(*) OVER () AS total
FROM ids i
LEFT JOIN counted c ON c.provider_id = i.provider_id
LEFT JOIN providers p ON p.provider_id = i.provider_id
LEFT JOIN profiled f ON f.provider_id = i.provider_id
WHERE c.n_rows IS DISTINCT FROM p.n_rows
   OR c.first_metric IS DISTINCT FROM f.first_metric
ORDER BY i.provider_id
LIMIT 5
