-- sig6 of each of $xs, in order.
SELECT sig6(x) FROM unnest($xs::DOUBLE[]) WITH ORDINALITY AS t(x, i) ORDER BY i
