"""Figures turned into what a page, a chart or a CSV file shows, in French."""

from __future__ import annotations

from typing import Any

import polars as pl

from crimestats.french import at_least, number, rate
from crimestats.states import ValueState
from stspd.core.exports import csv_document

from .evolution import evolution
from .figures import Figures, Similar
from .models import DenominatorKind, Indicator

MISSING = "missing"  # a member with no row at all: neither a value nor a secret
# A state alone says itself in full; a lower bound is followed by its members' count on the page.
STATUS_LABELS = {state.value: state.long_label for state in ValueState} | {
    ValueState.LOWER_BOUND: ValueState.LOWER_BOUND.label,
    MISSING: "absente",
}


def status(row: dict[str, Any]) -> str:
    """A ValueState or `missing`, for a commune or a territory."""
    if row["count"] is None:
        return ValueState.SUPPRESSED if row.get("n_suppressed") else MISSING
    if not row["complete"]:
        return ValueState.LOWER_BOUND
    return ValueState.ZERO if row["count"] == 0 else ValueState.PUBLISHED


def year_rows(series: pl.DataFrame) -> list[dict[str, Any]]:
    """One dict per year with the raw numbers, the status and the French display strings."""
    rows = []
    for row in series.iter_rows(named=True):
        code = status(row)
        bound = code == ValueState.LOWER_BOUND
        rows.append(
            row
            | {
                "status": code,
                "status_label": STATUS_LABELS[code],
                "count_text": (
                    at_least(number(row["count"]), bound) if row["count"] is not None else ""
                ),
                "rate_text": rate_text(row, bound),
                "interval_text": (
                    f"{rate(row['rate_low'])} à {rate(row['rate_high'])}"
                    if row["rate_low"] is not None and row["rate_high"] is not None
                    else (f"≥ {rate(row['rate_low'])}" if row["rate_low"] is not None else "")
                ),
                "dep_text": rate(row["dep_rate"]),
                "fr_text": rate(row["fr_rate"]),
                "dep_ratio_text": ratio_text(row),
            }
        )
    return rows


def rate_text(row: dict[str, Any], bound: bool) -> str:
    if row["rate"] is not None:
        return at_least(rate(row["rate"]), bound)
    if row["count"] is not None:
        return missing_denominator(row)
    return ""


def missing_denominator(row: dict[str, Any]) -> str:
    """Why a known count has no rate: the file gave no denominator (burglary's dwellings are
    missing from many communal files)."""
    if row.get("denominator_kind") == "dwellings":
        return "taux non calculable : nombre de logements absent du fichier"
    return "taux non calculable : population absente du fichier"


def ratio_text(row: dict[str, Any]) -> str:
    """'1,32 (1,10 à 1,58)' : the territory's rate over the département's, with its interval."""
    if row["dep_ratio"] is None:
        return ""
    low, high = row["dep_ratio_low"], row["dep_ratio_high"]
    if high is None:
        return f"≥ {number(low, 2)}" if low is not None else ""
    return f"{number(row['dep_ratio'], 2)} ({number(low, 2)} à {number(high, 2)})"


def unit_of_rate(indicator: Indicator) -> str:
    return DenominatorKind(indicator.denominator_kind).label


def summary(figures: Figures) -> list[dict[str, Any]]:
    """Per indicator, its latest year: what the territory page's table shows."""
    latest = figures.series.sort("year").group_by("indicator", maintain_order=True).last()
    by_label = {row["indicator"]: row for row in year_rows(latest)}
    rows = []
    for indicator in figures.indicators:
        if indicator.label not in by_label:
            continue
        series = year_rows(figures.indicator_series(indicator.label))
        rows.append(
            by_label[indicator.label]
            | {
                "indicator": indicator,
                "unit_of_rate": unit_of_rate(indicator),
                "evolution": evolution(figures, indicator.label, series),
            }
        )
    return rows


def chart_data(indicator: Indicator, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What static/observatory/indicator.js draws: never a 0 where the value is unknown."""
    return {
        "indicator": indicator.label,
        "unit": unit_of_rate(indicator),
        "years": [str(row["year"]) for row in rows],
        "rate": [row["rate"] for row in rows],
        "low": [row["rate_low"] for row in rows],
        "high": [row["rate_high"] for row in rows],
        "status": [row["status"] for row in rows],
        "departement": [row["dep_rate"] for row in rows],
        "france": [row["fr_rate"] for row in rows],
        "similar": [row.get("similar_rate") for row in rows],
    }


CSV_HEADER = [
    "territoire",
    "code",
    "indicateur",
    "unite_de_compte",
    "annee",
    "etat",
    "nombre",
    "communes_non_diffusees",
    "communes",
    "denominateur",
    "taux_pour_mille",
    "ic95_bas",
    "ic95_haut",
    "taux_departement",
    "taux_france",
]


def _decimal(value: float | None) -> str:
    return number(value, 4, group=False)


def figures_csv(figures: Figures, indicator: Indicator | None = None) -> str:
    """The figures as a CSV file in the SSMSI's own conventions: `;`, decimal comma, BOM."""
    series = figures.series
    if indicator is not None:
        series = series.filter(pl.col("indicator") == indicator.label)
    territory = figures.territory
    lines = []
    for row in year_rows(series.sort("indicator", "year")):
        dwellings = row["denominator_kind"] == "dwellings"
        denominator = row["dwellings"] if dwellings else row["population"]
        lines.append(
            [
                territory.name,
                territory.key,
                row["indicator"],
                row["unit"],
                row["year"],
                row["status_label"],
                "" if row["count"] is None else row["count"],
                row["n_suppressed"],
                row["n_members"],
                "" if denominator is None else denominator,
                _decimal(row["rate"]),
                _decimal(row["rate_low"]),
                _decimal(row["rate_high"]),
                _decimal(row["dep_rate"]),
                _decimal(row["fr_rate"]),
            ]
        )
    return csv_document(CSV_HEADER, lines, line_end="\n")


def label_map(collection: dict[str, Any]) -> dict[str, Any]:
    """Add the French labels the map's table alternative shows; communes sorted by name."""
    for feature in collection["features"]:
        properties = feature["properties"]
        properties["state_label"] = STATUS_LABELS[properties["state"]]
        bound = "au moins " if properties["state"] == "lower_bound" else ""
        properties["count_text"] = bound + number(properties["count"])
        properties["rate_text"] = rate(properties["rate"])
    collection["features"].sort(key=lambda feature: feature["properties"]["name"])
    return collection


def attach_similar(rows: list[dict[str, Any]], similar: Similar, indicator: Indicator) -> None:
    """Add the similar communes' pooled rate of each year to the territory's rows."""
    pooled = {
        year: (rate, n)
        for year, rate, n in similar.rates.filter(pl.col("indicator") == indicator.label)
        .select("year", "similar_rate", "similar_n")
        .iter_rows()
    }
    for row in rows:
        rate, n = pooled.get(row["year"], (None, 0))
        row |= {"similar_rate": rate, "similar_n": n, "similar_text": number(rate, 2)}
