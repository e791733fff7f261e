-- How many members link_members holds and its lowest and highest gid
-- (0 and -1 when it is empty), from which linkSigs sizes the slices of
-- gids it reads history_link_parts.sql in.
SELECT count(*), coalesce(min(gid), 0), coalesce(max(gid), -1) FROM link_members
