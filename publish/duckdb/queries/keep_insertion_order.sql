-- Keeps the order of an INSERT's sorted rows in the table it fills, so the
-- release file's tables are stored sorted by their keys. Build turns it
-- off for speed; WriteRelease, which runs after Build, turns it back on,
-- and the interval audit does while it stores its members
-- (session.keepingOrder). The setting is the whole database's.
SET preserve_insertion_order = true
