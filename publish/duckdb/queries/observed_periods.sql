SELECT DISTINCT period FROM observations ORDER BY period
