-- Every provider, by id.
SELECT provider_id, provider_name, sector, sector_source, aliases, identifiers, rating, rating_date, ratings,
       n_councils, councils, services, first_period_start, last_period_end, n_rows
FROM providers
ORDER BY provider_id
