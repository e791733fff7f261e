-- The council, service and metric of every cell suppression's rounds hid
-- after step $since (suppress_steps): while suppression runs, what changed
-- since the interval audit last read the observations
-- (disclosure_audit.go), as disclosure_audit_changed.sql gives it at other
-- times.
SELECT DISTINCT council_code, service, metric
FROM observations
WHERE rowid IN (SELECT rid FROM suppress_steps WHERE step > $since)
ORDER BY ALL
