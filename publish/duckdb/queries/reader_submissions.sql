-- The submissions table, by id.
SELECT submission_id, council_code, received_at, "rows", current_rows
FROM submissions
ORDER BY submission_id
