SELECT * FROM query_table($table) ORDER BY ALL
