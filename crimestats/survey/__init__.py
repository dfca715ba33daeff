"""Survey weighting and estimation: design weights, calibration to population margins,
linearised standard errors and intervals (see crimestats/README.md, "Survey weighting")."""
