-- The council, service and metric of every unit whose digest now
-- (audit_record_digest.sql) differs from the record of the build that
-- made the release whose history this build reads (audit_record_prior.sql,
-- checked by audit_record_check.sql), or that one of the two has and the
-- other lacks.
SELECT coalesce(d.council_code, r.council_code) AS council_code,
       coalesce(d.service, r.service) AS service,
       coalesce(d.metric, r.metric) AS metric
FROM audit_record_digest d
FULL JOIN audit_record_prior r
    ON r.council_code = d.council_code AND r.service = d.service AND r.metric = d.metric
WHERE d.n_rows IS DISTINCT FROM r.n_rows OR d.truth_h1 IS DISTINCT FROM r.truth_h1
   OR d.truth_h2 IS DISTINCT FROM r.truth_h2 OR d.shown_rows IS DISTINCT FROM r.shown_rows
   OR d.shown_h1 IS DISTINCT FROM r.shown_h1 OR d.shown_h2 IS DISTINCT FROM r.shown_h2
ORDER BY ALL
