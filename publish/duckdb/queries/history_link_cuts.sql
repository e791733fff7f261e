-- The gids at which linkSigs cuts link_members into slices of about equal
-- numbers of members: the gid at or below which each fraction in
-- $fractions of the members lies. Gids are spread over the observations' rows, but the
-- groups with a hidden member can bunch, so cutting the range of gids
-- into equal widths could give one slice many times its share. A cut is
-- a gid, so no group is ever split.
SELECT unnest(quantile_disc(gid, $fractions::DOUBLE[])) FROM link_members
