-- The cells suppression's rounds hide (suppress_secondary.sql,
-- suppress_linked.sql), by the step that picked them, so that each round
-- reads again only what changed since the last of its kind.
CREATE OR REPLACE TEMP TABLE suppress_steps (rid BIGINT, step INTEGER)
