-- Drops the view comparisons_release.sql left in place of the comparisons
-- table once the release file it reads is detached, finished or given up,
-- so that nothing reads a later database attached under the same name.
DROP VIEW IF EXISTS main.comparisons
