"""Pure statistics on SSMSI recorded-crime data: labels, file reader, rates, aggregation.

No Django and no project import here (an import-linter contract enforces it).
"""
