-- A figure the council marked [c] shows nothing: ingest keeps counts given
-- beside the marker, and they must not be published.
UPDATE observations
SET value = NULL, numerator = NULL, denominator = NULL
WHERE status = 'c' AND (value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL)
