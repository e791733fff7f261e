-- How many members link_members holds, which sets how many slices
-- linkSigs reads history_link_parts.sql in, and its lowest and highest
-- gid, which bound the first slice and the last (0 and -1 when it is
-- empty, when nothing is read).
SELECT count(*), coalesce(min(gid), 0), coalesce(max(gid), -1) FROM link_members
