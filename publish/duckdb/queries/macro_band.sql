-- band(z, limit, polarity): where a funnel-plot z-score falls against
-- +/- limit, in words (band_of): above the limit higher, below its
-- negative lower, on or inside it similar; not_compared without a z-score.
CREATE OR REPLACE MACRO band(z, lim, polarity) AS
    band_of(CASE WHEN z IS NULL OR isnan(z) THEN NULL
                 WHEN z > lim THEN 1
                 WHEN z < -lim THEN -1
                 ELSE 0
            END, polarity)
