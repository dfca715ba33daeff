"""How a territory's series changed: first against last known year, and the trend over all years.

Only values that are the territory's true figure count: a suppressed year, or a lower bound
(a member commune not published), is left out, never read as a number. Statistics are
crimestats' (exact Poisson test of the change; quasi-Poisson trend with overdispersion).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from crimestats.change import describe_change, poisson_change
from crimestats.states import ValueState
from crimestats.trend import describe_trend, quasi_poisson_trend

from .figures import Figures

KNOWN = (ValueState.PUBLISHED, ValueState.ZERO)


def _denominator(row: dict[str, Any]) -> float:
    value = row["dwellings"] if row["denominator_kind"] == "dwellings" else row["population"]
    return float(value) if value else math.nan


def change_text(rows: list[dict[str, Any]]) -> str:
    """First against last known year, with the exact test: a French sentence."""
    known = [r for r in rows if r["status"] in KNOWN and not math.isnan(_denominator(r))]
    if len(known) < 2:
        return (
            "évolution non calculable : moins de deux années connues (secret statistique, "
            "communes non diffusées ou dénominateur inconnu)"
        )
    first, last = known[0], known[-1]
    result = poisson_change(
        [first["count"]], [_denominator(first)], [last["count"]], [_denominator(last)]
    )
    return f"de {first['year']} à {last['year']} : {describe_change(result, 0)}"


def trend_text(rows: list[dict[str, Any]]) -> str:
    """Average yearly change over every known year (quasi-Poisson): a French sentence."""
    counts = np.array(
        [float(r["count"]) if r["status"] in KNOWN else math.nan for r in rows], dtype=float
    )
    exposures = np.array([_denominator(r) for r in rows], dtype=float)
    counts[np.isnan(exposures)] = math.nan
    years = np.array([r["year"] for r in rows], dtype=float)
    result = quasi_poisson_trend(counts[None, :], exposures[None, :], years)
    return describe_trend(result, 0)


def constant_perimeter(communes: pl.DataFrame, label: str) -> tuple[list[dict[str, Any]], int]:
    """The sum, year by year, of the members whose value is known every year of the series.

    Why? Because the total of a territory with a suppressed member is only a lower bound, and
    which members are suppressed changes from year to year: comparing such totals would mix a
    change in crime with a change in secrecy. Returns the rows and the number of members kept.
    """
    data = communes.filter(pl.col("indicator") == label)
    n_years = data.get_column("year").n_unique()
    always = (
        data.filter(pl.col("state").is_in(KNOWN))
        .group_by("geo_code")
        .agg(pl.len().alias("known"))
        .filter(pl.col("known") == n_years)
        .get_column("geo_code")
    )
    kept = data.filter(pl.col("geo_code").is_in(always.implode()))
    if kept.is_empty():
        return [], 0
    summed = (
        kept.group_by("year")
        .agg(
            pl.col("count").sum(),
            pl.col("denominator_kind").first(),
            population=pl.when(pl.col("population").is_null().any())
            .then(None)
            .otherwise(pl.col("population").sum()),
            dwellings=pl.when(pl.col("dwellings").is_null().any())
            .then(None)
            .otherwise(pl.col("dwellings").sum()),
        )
        .sort("year")
    )
    rows = [
        row | {"status": "zero" if row["count"] == 0 else "published"}
        for row in summed.iter_rows(named=True)
    ]
    return rows, always.len()


def evolution(figures: Figures, label: str, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Change and trend of one indicator, at constant perimeter when a year is a lower bound."""
    territory = figures.territory
    if territory.is_single_commune or all(r["status"] != ValueState.LOWER_BOUND for r in rows):
        return {"perimeter": "", "change": change_text(rows), "trend": trend_text(rows)}
    kept_rows, kept = constant_perimeter(figures.communes, label)
    which = "la seule commune" if kept == 1 else f"les {kept} communes"
    perimeter = (
        f"à périmètre constant : {which} sur {len(territory.members)} dont la valeur est "
        "diffusée chaque année"
    )
    if not kept:
        perimeter = "aucune commune n'est diffusée toutes les années : pas de périmètre constant"
    return {
        "perimeter": perimeter,
        "change": change_text(kept_rows),
        "trend": trend_text(kept_rows),
    }
