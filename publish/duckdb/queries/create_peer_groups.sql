-- User-supplied comparator groups (peer-groups.csv): empty when none.
CREATE OR REPLACE TABLE peer_groups (
    group_id     VARCHAR NOT NULL,
    council_code VARCHAR NOT NULL
)
