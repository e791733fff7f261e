SELECT similar_code FROM similar_councils WHERE council_code = ? ORDER BY rank
