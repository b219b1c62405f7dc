# Baseline job for the allyscope side-by-side benchmark: build the same
# dyad-year panel with the R package peacesciencer and print its dimensions
# (expected nrow: 1,836,630). Time it as a whole process, e.g.
#   /usr/bin/time -v Rscript benchmarks/peacesciencer_baseline.R
#
# peacesciencer (and its data package isard) are installed into a private
# library, $ALLYSCOPE_R_LIB (default /work/rbench/lib), by
# benchmarks/setup_r.sh. That script uses Debian bookworm's R 4.2 and r-cran-*
# packages, builds rlang/vctrs/pillar/tibble/dplyr 1.1.4 from Debian trixie
# source packages (peacesciencer needs dplyr >= 1.1.0), and installs
# peacesciencer with its stevemisc import removed (stevemisc is not packaged in
# Debian; it is only used by add_gml_mids/add_peace_years/add_spells, not here).
# All data come from the installed packages; nothing is downloaded.

lib <- Sys.getenv("ALLYSCOPE_R_LIB", "/work/rbench/lib")
.libPaths(c(lib, .libPaths()))

suppressPackageStartupMessages({
  library(peacesciencer)
  library(dplyr)
})

d <- create_dyadyears(subset_years = 1816:2014) |>
  add_atop_alliance() |>
  add_nmc() |>
  add_igos()

cat("nrow:", nrow(d), "\n")
cat("ncol:", ncol(d), "\n")
