-- Each observed period with the period before it and the same period a
-- year earlier, worked out in Go by schemas.Period.
CREATE OR REPLACE TABLE period_links (
    period       VARCHAR NOT NULL PRIMARY KEY,
    kind         VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    previous     VARCHAR NOT NULL,
    year_earlier VARCHAR NOT NULL
)
