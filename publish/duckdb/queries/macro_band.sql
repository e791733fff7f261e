-- band(z, limit, polarity): where a z-score falls against +/- limit, in
-- words: better/similar/worse when the metric has a polarity,
-- higher/similar/lower when it has none, not_compared without a z-score.
CREATE OR REPLACE MACRO band(z, lim, polarity) AS
    CASE WHEN z IS NULL OR isnan(z) THEN 'not_compared'
         WHEN z > lim THEN CASE polarity WHEN 'higher_is_better' THEN 'better'
                                         WHEN 'lower_is_better' THEN 'worse'
                                         ELSE 'higher' END
         WHEN z < -lim THEN CASE polarity WHEN 'higher_is_better' THEN 'worse'
                                          WHEN 'lower_is_better' THEN 'better'
                                          ELSE 'lower' END
         ELSE 'similar'
    END
