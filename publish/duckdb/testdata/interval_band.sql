SELECT interval_band($lower, $upper, $benchmark, $polarity)
