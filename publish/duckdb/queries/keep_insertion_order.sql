-- Keeps the order of an INSERT's sorted rows in the table it fills, so the
-- release file's tables are stored sorted by their keys. Open turns it
-- off for speed; WriteRelease, which runs after Build, turns it back on,
-- and Build while it stores each batch of comparisons, the interval audit
-- while it stores its members, and WriteHistory while it writes the
-- history's file, do (session.keepingOrder). The
-- setting is the whole database's.
SET preserve_insertion_order = true
