-- The responsibility each service of the catalogue needs, for the
-- similar-council lists: social_care, waste_collection, or any for a
-- service every council may commission (schemas.Service.Responsibility
-- empty). Filled by appendRows; a table of the scratch database only,
-- not of the release.
CREATE OR REPLACE TABLE service_responsibilities (
    service        VARCHAR NOT NULL PRIMARY KEY,
    responsibility VARCHAR NOT NULL
)
