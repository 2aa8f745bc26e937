# Expected values in funnelplotr_ties/: SHMI funnels (SR, SHMI truncation, SHMI_rounding = TRUE)
# whose summed expected counts fall on decimal ties at 2 dp (x.xx5), where R's round() and
# numpy's np.round() disagree. Runs FunnelPlotR's own funnel_plot() from the package source
# (repository nhs-r-community/FunnelPlotR, commit 9020d4972873d863e10b8a16555975f0e322adfc,
# release 0.6.0) under Debian's R 4.2.2 with r-cran-dplyr, r-cran-jsonlite; drawing is stubbed
# (it touches no number).
# Usage: Rscript funnelplotr_ties.R FUNNELPLOTR_GIT_DIR
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
suppressMessages(library(dplyr))
for (f in c("aggregate_func.R", "build_limits_lookup.R", "calculate_limits.R",
            "classes_methods.R", "od_adjustment.R", "outliers_func.R", "funnel_plot.R")) {
  code <- system(paste0("git -C ", args[1], " show HEAD:R/", f), intern = TRUE)
  eval(parse(text = code), envir = globalenv())
}
draw_plot <- function(...) NULL
funnel_clean <- function(...) NULL
validate_funnel_plot <- function(x) invisible(x)
out_dir <- file.path(here, "funnelplotr_ties")
set.seed(20261204)
cases <- list(); inputs <- list(); expected <- list()
for (k in 1:4) {
  n <- 60
  e <- round(runif(n, 5, 400), 2) + 0.005          # every expected count ends in 5 at 3 dp
  if (k %% 2 == 0) e <- round(runif(n, 5, 400), 3) # half the cases: any third decimal
  o <- rpois(n, e * exp(rnorm(n, 0, 0.15)))
  id <- sprintf("tie_shmi_%02d", k)
  groups <- sprintf("G%02d", seq_len(n))
  d <- data.frame(numerator = o, denominator = e, group = groups)
  adjusted <- k != 3
  r <- suppressMessages(funnel_plot(d, numerator = numerator, denominator = denominator,
    group = group, data_type = "SR", sr_method = "SHMI", limit = 99,
    draw_adjusted = adjusted, draw_unadjusted = !adjusted, title = "", y_label = "",
    SHMI_rounding = TRUE))
  a <- r$aggregated_data
  cases[[k]] <- list(case_id = id, source = "funnelplotr_ties.R", data_type = "SR",
    limit = 99, draw_adjusted = adjusted, draw_unadjusted = !adjusted, sr_method = "SHMI",
    trim_by = 0.1, multiplier = 1, SHMI_rounding = TRUE, n_groups = nrow(a),
    phi = r$phi, tau2 = r$tau2, target = 1,
    draw_adjusted_effective = r$draw_adjusted, draw_unadjusted_effective = r$draw_unadjusted,
    n_outliers = sum(a$outlier == 1), outlier_groups = I(as.character(a$group[a$outlier == 1])))
  inputs[[k]] <- data.frame(case_id = id, group = groups, numerator = o,
                            denominator = sprintf("%.17g", e))
  num <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
  expected[[k]] <- data.frame(case_id = id, group = as.character(a$group),
    numerator = num(a$numerator), denominator = num(a$denominator), rr = num(a$rr),
    target_transformed = num(a$target_transformed), Y = num(a$Y), Uzscore = num(a$Uzscore),
    Wuzscore = num(a$Wuzscore), LCL95 = num(a$LCL95), UCL95 = num(a$UCL95),
    LCL99 = num(a$LCL99), UCL99 = num(a$UCL99), OD95LCL = num(a$OD95LCL),
    OD95UCL = num(a$OD95UCL), OD99LCL = num(a$OD99LCL), OD99UCL = num(a$OD99UCL),
    highlight = a$highlight, outlier = a$outlier, trimmed = as.integer(a$truncated))
}
jsonlite::write_json(cases, file.path(out_dir, "cases.json"), auto_unbox = TRUE, digits = NA,
                     pretty = TRUE)
write.csv(do.call(rbind, inputs), file.path(out_dir, "inputs_aggregated.csv"),
          row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, expected), file.path(out_dir, "aggregated_expected.csv"),
          row.names = FALSE, quote = FALSE)
