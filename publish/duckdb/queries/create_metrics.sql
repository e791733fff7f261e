-- The metric catalogue, one row per metric, the catalogue's fields as columns.
-- numerator_count and denominator_count name a count the metric shares
-- with others ('' for none); small_count and min_denominator are the
-- small_counts rule's thresholds, NULL for a metric without that rule.
CREATE OR REPLACE TABLE metrics (
    id          VARCHAR NOT NULL PRIMARY KEY,
    title       VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,
    multiplier  DOUBLE NOT NULL,
    polarity    VARCHAR NOT NULL,
    min         DOUBLE,
    max         DOUBLE,
    disclosure  VARCHAR NOT NULL,
    services    VARCHAR[] NOT NULL,
    description VARCHAR,
    numerator   VARCHAR,
    denominator VARCHAR,
    source      VARCHAR,
    numerator_count   VARCHAR,
    denominator_count VARCHAR,
    small_count       BIGINT,
    min_denominator   BIGINT
)
;

-- Each metric with every other metric that shares a count with it: a
-- numerator_count or denominator_count of the one is a numerator_count or
-- denominator_count of the other (the relation is symmetric). Suppression
-- hides a hidden figure's sisters (suppress_linked_targets.sql), the
-- interval audit reads their groups (audit_scope.sql), the history knows
-- a count a sister shows (history_known.sql) and the check looks for a
-- sister shown (check_disclosure_linked.sql): the rule is written once,
-- here, so they cannot disagree on it.
CREATE OR REPLACE VIEW metric_sisters AS
SELECT a.id AS metric, b.id AS sister
FROM metrics a
JOIN metrics b ON a.id <> b.id
 AND ((coalesce(a.numerator_count, '') <> '' AND a.numerator_count IN (b.numerator_count, b.denominator_count))
      OR (coalesce(a.denominator_count, '') <> '' AND a.denominator_count IN (b.numerator_count, b.denominator_count)))
