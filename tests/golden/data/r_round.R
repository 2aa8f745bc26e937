# Expected values for tests/golden/test_r_round.py: R's round(x, 2) and round(x, 3) of values
# with many decimal ties. Usage: Rscript r_round.R (writes r_round.csv beside this script).
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
set.seed(20261204)
x <- c(round(runif(1500, 0, 2000), 3), round(runif(500, 0, 50), 4), runif(500, 0, 1e4),
       30.065, 115.675, 43.455, 0.125, 2.675, 1.005, 0.5, 1.5, 2.5, 1e15 + 0.125)
x <- c(x, -x[1:200])
out <- data.frame(x = sprintf("%.17g", x), round2 = sprintf("%.17g", round(x, 2)),
                  round3 = sprintf("%.17g", round(x, 3)))
write.csv(out, file.path(here, "r_round.csv"), row.names = FALSE, quote = FALSE)
