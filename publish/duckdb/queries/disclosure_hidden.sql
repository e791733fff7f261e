-- The hidden ([c]) members of the groups in disclosure_links: the unknowns
-- and equations the audit in disclosure.go solves. A member an earlier
-- release published with the same figures (known) is no unknown.
SELECT l.link, l.council_code, l.group_provider, l.service, l.metric, l.group_period,
       l.provider_id, l.period, l.is_total
FROM disclosure_links l
JOIN observations o USING (council_code, provider_id, service, metric, period)
WHERE o.status = 'c' AND NOT l.known
ORDER BY ALL
