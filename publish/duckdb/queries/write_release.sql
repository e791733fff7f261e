-- Copies the public tables but comparisons (schemas.PublicTables, in its
-- order) from the scratch database into the new release database attached
-- as release. The release file only ever receives these inserts and
-- comparisons.sql's, and its checkpoints do not merge row groups
-- (release_no_vacuum.sql): nothing in it was updated, deleted or written
-- anew, so it holds no freed space with old values in it.
-- Each table is stored sorted by its primary key, so the download files,
-- exported from this file in stored order, come out in that order without
-- sorting two million-row tables a second time. Observations are copied
-- in the order the build stored them, which is that key's
-- (load_observations.sql): sorting them again here would cost a sort of
-- every row, spilled under a memory limit. Comparisons are not copied
-- here: Build writes them into the release file itself
-- (comparisons_release.sql), or else write_release_comparisons.sql copies
-- them, also in the order Build stored them.
CREATE TABLE release.observations AS SELECT * FROM observations;
CREATE TABLE release.benchmarks AS SELECT * FROM benchmarks ORDER BY metric, period, service, level;
CREATE TABLE release.funnel_limits AS SELECT * FROM funnel_limits ORDER BY metric, period, service, level, denominator;
CREATE TABLE release.providers AS SELECT * FROM providers ORDER BY provider_id;
CREATE TABLE release.provider_profile AS SELECT * FROM provider_profile ORDER BY provider_id, metric, period, service;
CREATE TABLE release.sector_benchmarks AS SELECT * FROM sector_benchmarks ORDER BY metric, period, service, sector;
CREATE TABLE release.metrics AS SELECT * FROM metrics ORDER BY id;
CREATE TABLE release.councils AS SELECT * FROM councils ORDER BY council_code;
CREATE TABLE release.similar_councils AS SELECT * FROM similar_councils ORDER BY council_code, responsibility, rank;
CREATE TABLE release.peer_groups AS SELECT * FROM peer_groups ORDER BY group_id, council_code;
CREATE TABLE release.period_links AS SELECT * FROM period_links ORDER BY period;
CREATE TABLE release.submissions AS SELECT * FROM submissions ORDER BY submission_id;
CREATE TABLE release.changes AS SELECT * FROM changes ORDER BY metric, period, council_code, provider_id, service;
