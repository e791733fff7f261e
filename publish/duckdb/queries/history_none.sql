-- Empty history tables, for a data folder with no earlier release and for
-- CheckDisclosure on a release file alone; loadHistory fills them from
-- the newest release's data/disclosure-history.parquet and from the
-- releases it does not cover (disclosure_history.go).
--
--   history_cells     one row per earlier release read directly (its
--                     data/observations.parquet) and cell; columns as
--                     history_load
--   history_releases  every earlier release the tables cover: its id,
--                     the SHA-256 of its release.json ('' where not
--                     known: a release without one, or one a history
--                     written before histories recorded it names), and
--                     the set of linked groups it published with a
--                     hidden member (sig_set; NULL for none)
--   history_shown     every figure an earlier release published (status
--                     other than [c]), one row per distinct figure
--   history_hidden    every cell an earlier release withheld
--   history_members   the members of each linked group an earlier
--                     release published with a hidden member, once per
--                     distinct group and figures (sig names them)
--   history_sets      the groups (sig) of each set, once per distinct
--                     set however many releases published it
CREATE TEMP TABLE IF NOT EXISTS history_cells (
    release      VARCHAR,
    council_code VARCHAR,
    provider_id  VARCHAR,
    service      VARCHAR,
    metric       VARCHAR,
    period       VARCHAR,
    hidden       BOOLEAN,
    numerator    BIGINT,
    denominator  BIGINT,
    value        DOUBLE
);
CREATE TEMP TABLE IF NOT EXISTS history_releases (release VARCHAR, release_sha256 VARCHAR, sig_set VARCHAR);
CREATE TEMP TABLE IF NOT EXISTS history_shown (
    council_code VARCHAR,
    provider_id  VARCHAR,
    service      VARCHAR,
    metric       VARCHAR,
    period       VARCHAR,
    numerator    BIGINT,
    denominator  BIGINT,
    value        DOUBLE
);
CREATE TEMP TABLE IF NOT EXISTS history_hidden (
    council_code VARCHAR,
    provider_id  VARCHAR,
    service      VARCHAR,
    metric       VARCHAR,
    period       VARCHAR
);
CREATE TEMP TABLE IF NOT EXISTS history_members (
    sig            VARCHAR,
    link           VARCHAR,
    council_code   VARCHAR,
    group_provider VARCHAR,
    service        VARCHAR,
    metric         VARCHAR,
    group_period   VARCHAR,
    provider_id    VARCHAR,
    period         VARCHAR,
    is_total       BOOLEAN,
    hidden         BOOLEAN,
    x              DOUBLE,
    n              DOUBLE
);
CREATE TEMP TABLE IF NOT EXISTS history_sets (sig_set VARCHAR, sig VARCHAR)
