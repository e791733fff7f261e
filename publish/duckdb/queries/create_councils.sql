-- The councils of the reference data: one row per council with a GSS code,
-- current or abolished.
CREATE OR REPLACE TABLE councils (
    council_code     VARCHAR NOT NULL PRIMARY KEY,
    registry_code    VARCHAR,
    name             VARCHAR,
    official_name    VARCHAR,
    council_type     VARCHAR,
    type_name        VARCHAR,
    region           VARCHAR,
    nation           VARCHAR,
    start_date       DATE,
    end_date         DATE,
    population       BIGINT,
    area_km2         DOUBLE,
    social_care      BOOLEAN,
    waste_collection BOOLEAN,
    county_code      VARCHAR
)
