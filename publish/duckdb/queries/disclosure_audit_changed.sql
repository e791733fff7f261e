-- The council, service and metric of every cell whose key, status or
-- figures differ from what the interval audit last read
-- (disclosure_audit_seen), or that one of the two has and the other lacks.
-- Rows are matched by rowid, which an UPDATE keeps: a join on one integer
-- rather than on the five columns of the key. A row whose key differs
-- under the same rowid (the table made anew) is a change of both keys.
-- Every row is a change when another cache than $token made the reading.
WITH o AS (
    SELECT rowid AS rid, council_code, provider_id, service, metric, period, status, numerator, denominator, value
    FROM observations
),
diff AS (
    SELECT o.council_code AS o_council, o.service AS o_service, o.metric AS o_metric,
           s.council_code AS s_council, s.service AS s_service, s.metric AS s_metric
    FROM o
    FULL JOIN disclosure_audit_seen s ON s.rid = o.rid
    WHERE o.rid IS NULL OR s.rid IS NULL OR s.token <> $token
       OR o.council_code IS DISTINCT FROM s.council_code OR o.provider_id IS DISTINCT FROM s.provider_id
       OR o.service IS DISTINCT FROM s.service OR o.metric IS DISTINCT FROM s.metric
       OR o.period IS DISTINCT FROM s.period OR o.status IS DISTINCT FROM s.status
       OR o.numerator IS DISTINCT FROM s.numerator OR o.denominator IS DISTINCT FROM s.denominator
       OR o.value IS DISTINCT FROM s.value
)
SELECT o_council, o_service, o_metric FROM diff WHERE o_council IS NOT NULL
UNION
SELECT s_council, s_service, s_metric FROM diff WHERE s_council IS NOT NULL
ORDER BY ALL
