-- The hidden ([c]) members of the groups in disclosure_links: the unknowns
-- and equations the audit in disclosure.go solves. A member an earlier
-- release published with the counts it has now (known) is no unknown. A
-- group whose total is not the sum of its parts (inexact) is left out: it
-- gives a reader an inequality, never a figure, and the interval audit
-- bounds it. Groups and cells come as numbers (the group's gid, the cell's
-- rowid in observations), each a group at a time; disclosure_cells.sql
-- names the few cells the test finds.
SELECT l.gid, l.rid, l.is_total
FROM disclosure_links l
JOIN observations o ON o.rowid = l.rid
WHERE o.status = 'c' AND NOT l.known AND NOT l.inexact
ORDER BY l.gid, l.rid
