# Expected values for tests/golden/data/cusum_tie_cases.json, from the R package cusum 0.4.2
# (repository lhubig/cusum, commit 5631ab17c01e5719f6327b7e9d7ce0e401ec069f) under Debian's R.
# Usage: Rscript cusum_ties.R CUSUM_REPO_GIT_DIR   (needs r-cran-checkmate and r-cran-jsonlite)
# Writes cusum_tie_expected.csv beside this script: case_id, t, weight, ct, signal (ct and
# weight printed with 17 significant digits, so they read back as the same doubles).
args <- commandArgs(trailingOnly = TRUE)
library(checkmate)
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
load_r <- function(file) {
  code <- system(paste0("git -C ", args[1], " show HEAD:R/", file), intern = TRUE)
  eval(parse(text = code), envir = globalenv())
}
for (f in c("weights_t.R", "cusum.R", "racusum.R")) load_r(f)
cases <- jsonlite::fromJSON(file.path(here, "cusum_tie_cases.json"), simplifyVector = FALSE)
out <- list()
for (case in cases) {
  y <- as.integer(unlist(case$outcomes))
  limit <- as.numeric(case$limit)
  if (case$function_name == "cusum") {
    r <- suppressWarnings(cusum(failure_probability = case$failure_probability,
      patient_outcomes = y, limit = limit, odds_multiplier = case$odds_multiplier,
      reset = case$reset))
    w <- weights_t(y, case$failure_probability, case$odds_multiplier)
  } else {
    p <- as.numeric(unlist(case$risk))
    r <- suppressWarnings(racusum(patient_risks = p, patient_outcomes = y, limit = limit,
      odds_multiplier = case$odds_multiplier, reset = case$reset))
    w <- weights_t(y, p, case$odds_multiplier)
  }
  out[[length(out) + 1]] <- data.frame(case_id = case$case_id, t = seq_along(y),
    weight = sprintf("%.17g", w), ct = sprintf("%.17g", r$ct), signal = r$signal)
}
write.csv(do.call(rbind, out), file.path(here, "cusum_tie_expected.csv"), row.names = FALSE,
          quote = FALSE)
