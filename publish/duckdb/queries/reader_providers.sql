-- One page of the providers a ProviderFilter selects, by name then id, and
-- how many it selects. An empty text filter selects every provider; $query
-- is a case-insensitive substring of the name, one of the aliases (the
-- other names councils and the register give it) or the id (contains(),
-- so no character in it is a wildcard); $service one of the provider's
-- services.
--
-- The count is joined to the page, as in reader_councils.sql, so a page
-- past the end still carries the total (one row, has_row false).
WITH selected AS (
    SELECT *
    FROM providers
    WHERE ($query = ''
           OR contains(lower(provider_name), lower($query))
           OR len(list_filter(aliases, a -> contains(lower(a), lower($query)))) > 0
           OR contains(lower(provider_id), lower($query)))
      AND ($sector = '' OR sector = $sector)
      AND ($service = '' OR list_contains(services, $service))
),
page AS (
    SELECT *
    FROM selected
    ORDER BY provider_name, provider_id
    LIMIT $limit OFFSET $offset
)
SELECT t.total, page.provider_id IS NOT NULL AS has_row,
       page.provider_id, page.provider_name, page.sector, page.sector_source, page.aliases, page.identifiers,
       page.rating, page.rating_date, page.ratings, page.n_councils,
       page.councils, page.services, page.first_period_start, page.last_period_end, page.n_rows
FROM (SELECT count(*) AS total FROM selected) t
LEFT JOIN page ON true
ORDER BY page.provider_name, page.provider_id
