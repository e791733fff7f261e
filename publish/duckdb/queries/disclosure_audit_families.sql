-- Every metric with the counts it shares with others (numerator_count,
-- denominator_count; '' for its own): metrics that share a count, directly
-- or through a third, are one family, whose cells the interval audit
-- (disclosure_audit.go) bounds together.
SELECT id, coalesce(numerator_count, ''), coalesce(denominator_count, '')
FROM metrics
ORDER BY id
