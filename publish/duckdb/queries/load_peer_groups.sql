-- Reads peer-groups.csv: a header row naming group_id and council_code
-- (other columns, such as a council name, are ignored), one row per member.
INSERT INTO peer_groups
SELECT DISTINCT trim(group_id), upper(trim(council_code))
FROM read_csv($path, header = true, all_varchar = true)
WHERE coalesce(trim(group_id), '') <> '' AND coalesce(trim(council_code), '') <> ''
