SELECT band($z, $lim, $polarity)
