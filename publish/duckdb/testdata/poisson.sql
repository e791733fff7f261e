SELECT poisson_lower($o, $z95, e.lower95), poisson_upper($o, $z95, e.upper95),
       poisson_lower($o, $z998, e.lower998), poisson_upper($o, $z998, e.upper998)
FROM (SELECT $o::BIGINT AS o) q
LEFT JOIN poisson_exact e ON e.events = q.o
