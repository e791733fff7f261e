SELECT wilson_lower($x, $n, $z), wilson_upper($x, $n, $z), byar_lower($x, $z), byar_upper($x, $z)
