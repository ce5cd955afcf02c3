# Golden reference of the PLS family: R pls (Mevik, Wehrens & Liland) on its own NIR data.
#
# Writes tests/golden/r_pls/*.csv, read by tests/unit/operators/models/test_models_r_golden.py.
# Run from the repository root:  Rscript tools/golden/make_r_pls_golden.R
# Needs R with the pls package (Debian: apt-get install r-cran-pls); the files were made
# with pls 2.8-x. CI does not run this script; it reads the committed files.
#
# What is written
#   gasoline.csv   60 NIR spectra (900-1700 nm, 2 nm steps, log(1/R)) and their octane
#                  number; rows 1-50 train, rows 51-60 test (the split of the pls vignette).
#   oliveoil.csv   16 olive oils: 5 chemical measurements (X) and 6 sensory scores (Y).
#   gasoline_<method>_coef.csv   for A = 1..10 components fitted on the training rows:
#                  one row per A, the intercept then one coefficient per wavelength.
#   gasoline_<method>_pred.csv   predictions of the 10 test rows, one column per A.
#   oliveoil_<method>_coef.csv   for A = 1..5 fitted on all 16 oils (multi-response):
#                  one row per (A, response), the intercept then the 5 coefficients.
#   <method> is oscorespls (NIPALS), simpls, kernelpls, pcr (svdpc); for gasoline there are
#   also the predictions of oscorespls_scaled (scale = TRUE, X divided by its standard
#   deviation, ddof = 1).

suppressPackageStartupMessages(library(pls))

out <- file.path("tests", "golden", "r_pls")
dir.create(out, recursive = TRUE, showWarnings = FALSE)

# 15 significant digits reproduce the data exactly (it has six decimals); 11 keep the
# rounding of the results (5e-12 relative) far below the 1e-8 the tests ask, and the files
# small.
write_matrix <- function(m, name, header, digits = 11) {
  fmt <- function(x) sprintf(paste0("%.", digits, "g"), x)
  lines <- c(paste(header, collapse = ","),
             apply(m, 1, function(row) paste(fmt(row), collapse = ",")))
  writeLines(lines, file.path(out, name))
}

# Coefficients and intercepts of every model size, one row per (size, response).
coef_rows <- function(model, sizes) {
  rows <- list()
  for (a in sizes) {
    B <- coef(model, ncomp = a, intercept = TRUE)[, , 1, drop = TRUE]
    B <- matrix(B, ncol = dim(model$coefficients)[2])
    for (k in seq_len(ncol(B))) rows[[length(rows) + 1]] <- c(a, k, B[, k])
  }
  do.call(rbind, rows)
}

fit <- function(method, formula, data, ncomp, scale = FALSE) {
  if (method == "pcr") return(pcr(formula, ncomp = ncomp, data = data, scale = scale))
  if (method == "oscorespls") {
    # Multi-response NIPALS iterates; a tight tolerance makes it converge to the limit.
    return(plsr(formula, ncomp = ncomp, data = data, method = method, scale = scale,
                tol = 1e-13, maxit = 100000))
  }
  plsr(formula, ncomp = ncomp, data = data, method = method, scale = scale)
}

methods <- c("oscorespls", "simpls", "kernelpls", "pcr")

# --- gasoline: univariate octane on 401 wavelengths --------------------------------------
data(gasoline)
nir <- unclass(gasoline$NIR)
wavelengths <- seq(900, 1700, by = 2)
stopifnot(ncol(nir) == length(wavelengths))
write_matrix(cbind(gasoline$octane, nir), "gasoline.csv",
             c("octane", paste0("nm", wavelengths)), digits = 15)
train <- data.frame(octane = gasoline$octane[1:50])
train$NIR <- I(nir[1:50, ])
test <- data.frame(octane = gasoline$octane[51:60])
test$NIR <- I(nir[51:60, ])
coef_header <- c("n_components", "target", "intercept", paste0("nm", wavelengths))

for (method in c(methods, "oscorespls_scaled")) {
  scaled <- method == "oscorespls_scaled"
  model <- fit(if (scaled) "oscorespls" else method, octane ~ NIR, train, 10, scale = scaled)
  if (!scaled) {  # the scaled fit is checked by its predictions only, to keep files small
    write_matrix(coef_rows(model, 1:10), paste0("gasoline_", method, "_coef.csv"), coef_header)
  }
  pred <- predict(model, newdata = test, ncomp = 1:10)[, 1, ]
  write_matrix(pred, paste0("gasoline_", method, "_pred.csv"), paste0("A", 1:10))
}

# --- oliveoil: 6 sensory responses on 5 chemical predictors ------------------------------
data(oliveoil)
chemical <- unclass(oliveoil$chemical)
sensory <- unclass(oliveoil$sensory)
write_matrix(cbind(chemical, sensory), "oliveoil.csv", c(colnames(chemical), colnames(sensory)),
             digits = 15)
oils <- data.frame(row.names = seq_len(nrow(chemical)))
oils$chemical <- I(chemical)
oils$sensory <- I(sensory)
for (method in methods) {
  model <- fit(method, sensory ~ chemical, oils, 5)
  write_matrix(coef_rows(model, 1:5), paste0("oliveoil_", method, "_coef.csv"),
               c("n_components", "target", "intercept", colnames(chemical)))
}

writeLines(paste("pls", as.character(packageVersion("pls")), R.version.string),
           file.path(out, "VERSION"))
