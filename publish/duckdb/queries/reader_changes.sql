-- The changes of one kind ($change), in observation-key order.
SELECT metric, period, council_code, provider_id, service,
       old_value, old_numerator, old_denominator, old_status,
       new_value, new_numerator, new_denominator, new_status
FROM changes
WHERE change = $change
ORDER BY metric, period, council_code, provider_id, service
