# Every dyadic peacesciencer verb that runs offline, on all directed dyad-years
# 1816-2014, the result written to the file given as the first argument (saveRDS):
# the R side of benchmarks/panel.py's "CLI, every dyadic variable, write" job.
# Needs the private library of benchmarks/setup_r.sh ($ALLYSCOPE_R_LIB).
#
# Left out because they cannot run offline or on dyad-years: add_cow_trade(),
# add_fpsim() and add_sim_gdp_pop() (download their data), add_sdp_gdp() (its data were
# removed from the package in 1.2.9), add_cow_alliance() (disabled by the maintainer),
# add_ucdp_acd()/add_ucdp_onsets() (state-years only). add_gml_mids() and
# add_peace_years() need stevemisc, which setup_r.sh cannot install from Debian; a verb
# that fails is reported on stderr and skipped, so the job runs every verb it can.

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else tempfile(fileext = ".rds")
lib <- Sys.getenv("ALLYSCOPE_R_LIB", "/work/rbench/lib")
.libPaths(c(lib, .libPaths()))

suppressPackageStartupMessages({
  library(peacesciencer)
  library(dplyr)
})

verbs <- list(
  add_atop_alliance = function(d) add_atop_alliance(d),
  add_capital_distance = function(d) add_capital_distance(d),
  add_contiguity = function(d) add_contiguity(d),
  add_cow_majors = function(d) add_cow_majors(d),
  add_cow_mids = function(d) add_cow_mids(d),
  add_cow_wars = function(d) add_cow_wars(d, type = "inter"),
  add_democracy = function(d) add_democracy(d),
  add_gml_mids = function(d) add_gml_mids(d),
  add_igos = function(d) add_igos(d),
  add_latent_territorial_threat = function(d) add_latent_territorial_threat(d),
  add_minimum_distance = function(d) add_minimum_distance(d, use_extdata = FALSE),
  add_nmc = function(d) add_nmc(d),
  add_rugged_terrain = function(d) add_rugged_terrain(d),
  add_strategic_rivalries = function(d) add_strategic_rivalries(d),
  add_creg_fractionalization = function(d) add_creg_fractionalization(d),
  add_archigos = function(d) add_archigos(d),
  add_peace_years = function(d) add_peace_years(d)
)

d <- create_dyadyears(subset_years = 1816:2014)
ran <- character(0)
for (name in names(verbs)) {
  d <- tryCatch(
    { x <- suppressMessages(suppressWarnings(verbs[[name]](d))); ran <- c(ran, name); x },
    error = function(e) { message("skipped ", name, ": ", conditionMessage(e)); d }
  )
}
saveRDS(d, out)
cat("verbs:", paste(ran, collapse = ","), "\n")
cat("nrow:", nrow(d), "ncol:", ncol(d), "\n")
