"""labatlas stage."""
