SELECT submission_id, current_rows FROM submissions ORDER BY submission_id
