-- band_of(direction, polarity): a comparison's result in words. direction
-- is 1 when the row is significantly above its benchmark, -1 below, 0
-- neither, NULL when it was not compared: better/similar/worse when the
-- metric has a polarity, higher/similar/lower when it has none,
-- not_compared for NULL.
CREATE OR REPLACE MACRO band_of(direction, polarity) AS
    CASE WHEN direction IS NULL THEN 'not_compared'
         WHEN direction > 0 THEN CASE polarity WHEN 'higher_is_better' THEN 'better'
                                               WHEN 'lower_is_better' THEN 'worse'
                                               ELSE 'higher' END
         WHEN direction < 0 THEN CASE polarity WHEN 'higher_is_better' THEN 'worse'
                                               WHEN 'lower_is_better' THEN 'better'
                                               ELSE 'lower' END
         ELSE 'similar'
    END
