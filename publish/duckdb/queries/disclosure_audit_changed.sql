-- The council, service and metric of every cell unit whose rows' keys,
-- statuses or figures differ from what the interval audit last read
-- (disclosure_audit_seen), both as digests (audit_digest), or that one of
-- the two has and the other lacks. A row whose key changed under the same
-- rowid changes the digests of both keys. Every unit is a change when
-- another cache than $token made the reading.
SELECT coalesce(d.council_code, s.council_code) AS council_code,
       coalesce(d.service, s.service) AS service,
       coalesce(d.metric, s.metric) AS metric
FROM audit_digest d
FULL JOIN disclosure_audit_seen s
    ON s.council_code = d.council_code AND s.service = d.service AND s.metric = d.metric
WHERE s.token IS DISTINCT FROM $token
   OR d.n_rows IS DISTINCT FROM s.n_rows OR d.h1 IS DISTINCT FROM s.h1 OR d.h2 IS DISTINCT FROM s.h2
ORDER BY ALL
