-- Keeps each figure, cell and linked group's member of the history tables
-- once, where history_merge_parts.sql added more than one history: each
-- release's history holds what every release it covers published, so two
-- hold much the same. A linked group (sig) is its members, the same in
-- every history that has it.
CREATE OR REPLACE TEMP TABLE history_shown AS SELECT DISTINCT * FROM history_shown;
CREATE OR REPLACE TEMP TABLE history_hidden AS SELECT DISTINCT * FROM history_hidden;
CREATE OR REPLACE TEMP TABLE history_members AS SELECT DISTINCT * FROM history_members
