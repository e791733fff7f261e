-- Records how many of each submission's rows are current, so a release can
-- say which submissions it includes and which were wholly superseded.
UPDATE submissions s
SET current_rows = coalesce((SELECT count(*) FROM observations o WHERE o.submission_id = s.submission_id), 0)
