-- The providers each council commissions, per service, with the name and
-- sector the providers table gives them and how many of the council's
-- observations are of each, by council, service and name.
SELECT o.council_code, o.service, o.provider_id, p.provider_name, p.sector, count(*) AS n_rows
FROM observations o
JOIN providers p ON p.provider_id = o.provider_id
WHERE o.provider_id <> ''
GROUP BY o.council_code, o.service, o.provider_id, p.provider_name, p.sector
ORDER BY o.council_code, o.service, p.provider_name, o.provider_id
