SELECT similar_code FROM similar_councils WHERE council_code = ? AND responsibility = ? ORDER BY rank
