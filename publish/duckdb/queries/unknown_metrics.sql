-- Metrics in the current observations that the catalogue does not define.
SELECT DISTINCT o.metric
FROM observations o ANTI JOIN metrics m ON m.id = o.metric
ORDER BY o.metric
