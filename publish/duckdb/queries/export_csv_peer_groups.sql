-- Writes the peer_groups table to CSV, in stored order, with the group ids
-- of a data folder's peer-groups.csv made safe for spreadsheets as in
-- export_csv_observations.sql.
COPY (
    SELECT * REPLACE (regexp_replace(group_id, '^([=+@\t\r-])', '''\1') AS group_id)
    FROM peer_groups
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false)
