-- The providers council $code commissions, per service, with the name and
-- sector the providers table gives them and how many of the council's
-- observations are of each; council-wide rows (provider_id '') are not
-- providers.
SELECT o.service, o.provider_id, p.provider_name, p.sector, count(*) AS n_rows
FROM observations o
JOIN providers p ON p.provider_id = o.provider_id
WHERE o.council_code = $code AND o.provider_id <> ''
GROUP BY o.service, o.provider_id, p.provider_name, p.sector
ORDER BY o.service, p.provider_name, o.provider_id
