-- The council, service and metric of every unit whose digest now
-- (audit_record_digest.sql) differs from the record of the build that
-- made the release whose history this build reads ($file, checked by
-- audit_record_check.sql), or that one of the two has and the other
-- lacks.
SELECT coalesce(d.council_code, r.council_code) AS council_code,
       coalesce(d.service, r.service) AS service,
       coalesce(d.metric, r.metric) AS metric
FROM audit_record_digest d
FULL JOIN (SELECT council_code, service, metric, n_rows, h1, h2 FROM read_parquet($file)) r
    ON r.council_code = d.council_code AND r.service = d.service AND r.metric = d.metric
WHERE d.n_rows IS DISTINCT FROM r.n_rows OR d.h1 IS DISTINCT FROM r.h1 OR d.h2 IS DISTINCT FROM r.h2
ORDER BY ALL
