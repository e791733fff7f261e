-- Prepares the comparisons: the rows compared, the empty comparisons
-- table, and the batch of metrics comparisons.sql compares and
-- provider_profile.sql profiles (every one).
--
-- The rows compared: current observations with their metric's definition
-- and their council's region and type. Comparisons group rows by metric,
-- period, service and level ('provider' for a provider's figure, 'council'
-- for a council-wide one), so a council total is never pooled with the
-- providers it sums, and a metric shared by services is benchmarked within
-- each service.
--   value: NULL for c, x and z; derived from the counts when blank
--          for a proportion, rate or ratio (value_given, the council's
--          own value, is NULL then). A
--          hidden row (c) has no counts either (disclosure control ran
--          on observations first), so no pool or statistic holds it.
--   x, n:  the numerator and denominator where they support an interval
--          and a funnel (a proportion with 0 <= x <= n, or a rate with
--          x >= 0, n > 0); NULL otherwise, and always for a ratio, whose
--          counts are amounts (pounds), not events: it has no sampling
--          model, so no interval, funnel or pool, and its national value
--          is the mean of its values, as for means and scores.
CREATE OR REPLACE TEMP TABLE comparison_rows AS
WITH base AS (
    SELECT o.metric, o.period, o.council_code, o.provider_id, o.provider_name, o.provider_sector,
           o.service, o.numerator, o.denominator, o.status, o.received_at, o.value AS value_given,
           CASE WHEN o.provider_id = '' THEN 'council' ELSE 'provider' END AS level,
           m.kind, m.polarity, m.multiplier,
           c.region, c.council_type,
           CASE WHEN o.status IN ('c', 'x', 'z') THEN NULL
                WHEN o.value IS NOT NULL THEN o.value
                WHEN m.kind IN ('proportion', 'rate', 'ratio') AND o.denominator > 0
                    THEN o.numerator / o.denominator * m.multiplier
           END AS value
    FROM observations o
    JOIN metrics m ON m.id = o.metric
    LEFT JOIN councils c ON c.council_code = o.council_code
)
SELECT *,
       CASE WHEN value IS NOT NULL AND numerator >= 0 AND denominator > 0
                 AND (kind = 'rate' OR (kind = 'proportion' AND numerator <= denominator))
            THEN numerator END AS x,
       CASE WHEN value IS NOT NULL AND numerator >= 0 AND denominator > 0
                 AND (kind = 'rate' OR (kind = 'proportion' AND numerator <= denominator))
            THEN denominator END AS n
FROM base;

-- The comparisons table, empty: comparisons.sql fills it a batch of
-- metrics at a time, so its columns are declared here rather than taken
-- from one CREATE TABLE AS. They are those of data/comparisons.parquet in
-- DESIGN.md, in order, with the types the registry gives them
-- (schemas.PublicTables).
CREATE OR REPLACE TABLE comparisons (
    metric                 VARCHAR,
    period                 VARCHAR,
    council_code           VARCHAR,
    provider_id            VARCHAR,
    provider_name          VARCHAR,
    service                VARCHAR,
    value                  DOUBLE,
    numerator              BIGINT,
    denominator            BIGINT,
    status                 VARCHAR,
    ci95_lower             DOUBLE,
    ci95_upper             DOUBLE,
    ci998_lower            DOUBLE,
    ci998_upper            DOUBLE,
    national_value         DOUBLE,
    national_median        DOUBLE,
    national_q1            DOUBLE,
    national_q3            DOUBLE,
    national_n             BIGINT,
    percentile_rank        DOUBLE,
    quintile               BIGINT,
    z_score                DOUBLE,
    robust_z               DOUBLE,
    band_national          VARCHAR,
    band_national_95       VARCHAR,
    band_national_adjusted VARCHAR,
    region_value           DOUBLE,
    band_region            VARCHAR,
    council_type_value     DOUBLE,
    band_council_type      VARCHAR,
    similar_value          DOUBLE,
    similar_rank           BIGINT,
    similar_n              BIGINT,
    band_similar           VARCHAR,
    change_prev            DOUBLE,
    change_prev_band       VARCHAR,
    change_year            DOUBLE,
    change_year_band       VARCHAR,
    trend                  VARCHAR,
    trend_direction        VARCHAR
);

-- The batch of metrics comparisons.sql compares and provider_profile.sql
-- profiles: every metric, unless Build sets a narrower one.
SET VARIABLE compare_first = (SELECT min(metric) FROM comparison_rows);
SET VARIABLE compare_last = (SELECT max(metric) FROM comparison_rows)
