-- interval_band(lower, upper, benchmark, polarity): PHE's significance
-- rule (Fingertips' "compared with benchmark"), in words (band_of): a row
-- whose confidence interval lies wholly above the benchmark is higher,
-- wholly below it lower, and similar when the interval holds it, ends
-- included; not_compared without an interval or a benchmark. The callers
-- pass the interval and benchmark as published (sig6), so a band never
-- disagrees with the figures a reader sees beside it.
CREATE OR REPLACE MACRO interval_band(lower, upper, benchmark, polarity) AS
    band_of(CASE WHEN lower IS NULL OR upper IS NULL OR benchmark IS NULL OR isnan(benchmark) THEN NULL
                 WHEN lower > benchmark THEN 1
                 WHEN upper < benchmark THEN -1
                 ELSE 0
            END, polarity)
