"""Aggregation of communes into a territory (EPCI, council area) and comparisons.

Rules (SSMSI documentation of the communal base; docs/domain.md section 3):

- A suppressed value (statistical secrecy, ``ndiff``) is not zero. A territory's figure is the
  sum of its communes only where every member is published; otherwise the sum of the published
  counts is a lower bound, flagged ``complete = False``, with the number of suppressed members.
- A member with no row at all for an indicator-year is unknown, not zero (``n_missing``).
- A member may itself be a lower bound (``state = "lower_bound"``: a commune whose value adds
  communes merged into it, one of them suppressed): its count adds to the sum, which is then a
  lower bound too, and it counts among the suppressed members (part of it is).
- Counts of different units of count (victims, offences, vehicles, suspects) are never added;
  there is no official "global crime rate".
- Paris 75056, Lyon 69123 and Marseille 13055 are never added to their municipal arrondissements
  (75101-75120, 69381-69389, 13201-13216): that would count the same facts twice.
- Drug indicators count a suspect once per spatial unit, so a sum of communes may count one
  suspect several times: such totals carry ``may_overcount = True``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np
import polars as pl

from crimestats.rates import rate_with_interval, standardised_ratio

__all__ = [
    "PLM_ARRONDISSEMENTS",
    "AggregationError",
    "aggregate_territory",
    "check_members",
    "compare_with_reference",
    "national_reference",
    "sum_indicators",
]

PLM_ARRONDISSEMENTS: Final = {
    "75056": tuple(f"751{i:02d}" for i in range(1, 21)),
    "69123": tuple(f"6938{i}" for i in range(1, 10)),
    "13055": tuple(f"132{i:02d}" for i in range(1, 17)),
}
"""Paris, Lyon and Marseille -> their municipal arrondissements."""

_CITY_NAMES: Final = {"75056": "Paris", "69123": "Lyon", "13055": "Marseille"}
DOUBLE_COUNTED_UNIT: Final = "mis en cause"


class AggregationError(ValueError):
    """An aggregation that would give a wrong figure was refused (message in French)."""


def check_members(members: Iterable[str]) -> list[str]:
    """Return the member codes, refusing duplicates and a PLM city given with its arrondissements.

    >>> check_members(["76540", "76351"])
    ['76540', '76351']
    >>> check_members(["69123", "69381"])
    Traceback (most recent call last):
    ...
    crimestats.aggregate.AggregationError: Lyon (69123) et ses arrondissements municipaux \
(69381) ne s'additionnent pas : les faits de la ville sont ceux de ses arrondissements ; \
donner soit la ville, soit ses arrondissements
    """
    codes = list(members)
    doubled = sorted(code for code, n in Counter(codes).items() if n > 1)
    if doubled:
        raise AggregationError(f"commune(s) en double dans le territoire : {', '.join(doubled)}")
    for city, arrondissements in PLM_ARRONDISSEMENTS.items():
        parts = [c for c in codes if c in arrondissements]
        if city in codes and parts:
            raise AggregationError(
                f"{_CITY_NAMES[city]} ({city}) et ses arrondissements municipaux "
                f"({', '.join(parts)}) ne s'additionnent pas : les faits de la ville sont ceux de "
                "ses arrondissements ; donner soit la ville, soit ses arrondissements"
            )
    return codes


def _check_units(df: pl.DataFrame, by: Sequence[str]) -> None:
    mixed = (
        df.group_by(by)
        .agg(pl.col("unit").unique().sort(), pl.col("denominator_kind").unique().sort())
        .filter((pl.col("unit").list.len() > 1) | (pl.col("denominator_kind").list.len() > 1))
    )
    if mixed.height:
        row = mixed.row(0, named=True)
        raise AggregationError(
            "des indicateurs d'unités de compte différentes ne s'additionnent pas "
            f"({', '.join(row['unit'])} ; dénominateurs {', '.join(row['denominator_kind'])})"
        )


def _sum_rows(rows: pl.DataFrame, by: Sequence[str], alpha: float) -> pl.DataFrame:
    """Sum ``rows`` (one per member; ``state`` null for a missing member) within ``by``."""
    state = pl.col("state")
    summed = rows.group_by(by, maintain_order=True).agg(
        pl.col("unit").drop_nulls().first(),
        pl.col("denominator_kind").drop_nulls().first(),
        count=pl.when(state.is_in(["published", "zero", "lower_bound"]).any())
        .then(pl.col("count").sum())
        .otherwise(None)
        .cast(pl.Int64),
        n_members=pl.len().cast(pl.Int64),
        n_published=(state == "published").sum().cast(pl.Int64),
        n_zero=(state == "zero").sum().cast(pl.Int64),
        n_suppressed=state.is_in(["suppressed", "lower_bound"]).sum().cast(pl.Int64),
        n_missing=state.is_null().sum().cast(pl.Int64),
        population=pl.when(pl.col("population").is_null().any())
        .then(None)
        .otherwise(pl.col("population").sum()),
        dwellings=pl.when(pl.col("dwellings").is_null().any())
        .then(None)
        .otherwise(pl.col("dwellings").sum()),
    )
    summed = summed.with_columns(
        complete=(pl.col("n_suppressed") == 0) & (pl.col("n_missing") == 0),
        may_overcount=pl.col("unit") == DOUBLE_COUNTED_UNIT,
    )
    denominator = summed.select(
        pl.when(pl.col("denominator_kind") == "dwellings")
        .then(pl.col("dwellings"))
        .otherwise(pl.col("population"))
        .cast(pl.Float64)
    ).to_series()
    rate, low, high = rate_with_interval(
        summed.get_column("count").cast(pl.Float64).to_numpy(),
        denominator.to_numpy(),
        alpha,
    )
    # An incomplete sum is a lower bound: its lower limit still holds, its upper one does not.
    complete = summed.get_column("complete").to_numpy()
    high = np.where(complete, high, np.nan)
    return summed.with_columns(
        pl.Series("rate", rate, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_low", low, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_high", high, dtype=pl.Float64).fill_nan(None),
    )


def aggregate_territory(
    communes: pl.DataFrame,
    members: Sequence[str],
    *,
    territory_code: str,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Aggregate commune rows into a territory, per indicator and year.

    ``communes`` has the columns of :func:`crimestats.ssmsi.read_ssmsi` (commune level).
    Returns one row per indicator-year with ``geo_level = "territoire"``, ``geo_code =
    territory_code``, ``count`` (sum of the published counts; null when no member is
    published), ``complete`` (false when a member is suppressed or missing: ``count`` and
    ``rate`` are then lower bounds and ``rate_high`` is null), ``n_members``, ``n_published``,
    ``n_zero``, ``n_suppressed``, ``n_missing``, ``population``, ``dwellings`` (null when a
    member's is unknown), ``rate``, ``rate_low``, ``rate_high`` (per 1,000, Garwood 95 %) and
    ``may_overcount`` (drug suspects).
    """
    codes = check_members(members)
    if "geo_level" in communes.columns:
        levels = set(communes.get_column("geo_level").unique().to_list())
        if levels - {"commune"}:
            raise AggregationError(
                f"seules des communes s'agrègent en territoire (niveaux reçus : {sorted(levels)})"
            )
    data = communes.filter(pl.col("geo_code").is_in(codes))
    _check_units(data, ["indicator"])
    member_frame = pl.DataFrame({"geo_code": codes}, schema={"geo_code": pl.String})
    grid = data.select("indicator", "year").unique().join(member_frame, how="cross")
    denominators = data.group_by("geo_code", "year").agg(
        pl.col("population").drop_nulls().first(), pl.col("dwellings").drop_nulls().first()
    )
    rows = grid.join(
        data.select("geo_code", "year", "indicator", "unit", "denominator_kind", "count", "state"),
        on=["geo_code", "year", "indicator"],
        how="left",
    ).join(denominators, on=["geo_code", "year"], how="left")
    summed = _sum_rows(rows.sort("indicator", "year", "geo_code"), ["indicator", "year"], alpha)
    return summed.select(
        pl.lit("territoire").alias("geo_level"),
        pl.lit(territory_code).alias("geo_code"),
        pl.all(),
    ).sort("indicator", "year")


def sum_indicators(
    df: pl.DataFrame, indicators: Sequence[str], *, label: str, alpha: float = 0.05
) -> pl.DataFrame:
    """Add several indicators of the same unit of count for each territory and year.

    For instance "Vols avec armes" + "Vols violents sans arme" (both offences). Refuses
    indicators of different units of count or denominators. Same columns and flags as
    :func:`aggregate_territory`, ``indicator = label``.
    """
    wanted = df.filter(pl.col("indicator").is_in(list(indicators)))
    absent = sorted(set(indicators) - set(wanted.get_column("indicator").unique().to_list()))
    if absent:
        raise AggregationError(f"indicateur(s) absent(s) des données : {', '.join(absent)}")
    _check_units(wanted.with_columns(pl.lit(label).alias("_all")), ["_all"])
    geo = ["geo_level", "geo_code"] if "geo_level" in wanted.columns else ["geo_code"]
    summed = _sum_rows(wanted, [*geo, "year"], alpha)
    return summed.with_columns(pl.lit(label).alias("indicator")).sort([*geo, "year"])


def national_reference(departements: pl.DataFrame, *, alpha: float = 0.05) -> pl.DataFrame:
    """France as the sum of the département rows (``geo_code = "FR"``), per indicator-year.

    Département figures are never suppressed; drug totals are flagged ``may_overcount``.
    """
    summed = _sum_rows(departements, ["indicator", "year"], alpha)
    return summed.select(
        pl.lit("france").alias("geo_level"), pl.lit("FR").alias("geo_code"), pl.all()
    ).sort("indicator", "year")


def compare_with_reference(
    territory: pl.DataFrame, reference: pl.DataFrame, *, alpha: float = 0.05
) -> pl.DataFrame:
    """Compare a territory's rates with a reference (département or France), per indicator-year.

    ``territory`` comes from :func:`aggregate_territory` or is one commune's rows from
    :func:`crimestats.ssmsi.read_ssmsi`; ``reference`` has one geography. Adds
    ``reference_rate`` (per 1,000, recomputed from its count and denominator) and ``ratio``,
    ``ratio_low``, ``ratio_high`` (exact interval, reference taken as known, see
    :func:`crimestats.rates.standardised_ratio`). For an incomplete territory the ratio is a
    lower bound and ``ratio_high`` is null; for a suppressed commune all are null.
    """
    if reference.get_column("geo_code").n_unique() > 1:
        raise AggregationError("la référence doit porter sur un seul territoire")
    if "complete" not in territory.columns:
        territory = territory.with_columns(complete=pl.col("state").is_in(["published", "zero"]))
    ref = reference.select(
        "indicator",
        "year",
        pl.col("unit").alias("_ref_unit"),
        (
            pl.col("count").cast(pl.Float64)
            / pl.when(pl.col("denominator_kind") == "dwellings")
            .then(pl.col("dwellings"))
            .otherwise(pl.col("population"))
            * 1000.0
        ).alias("reference_rate"),
        (pl.col("complete") if "complete" in reference.columns else pl.lit(True)).alias(
            "_ref_complete"
        ),
    )
    joined = territory.join(ref, on=["indicator", "year"], how="left")
    clash = joined.filter(
        pl.col("_ref_unit").is_not_null() & (pl.col("_ref_unit") != pl.col("unit"))
    )
    if clash.height:
        raise AggregationError("la référence n'a pas la même unité de compte que le territoire")
    reference_rate = pl.when(pl.col("_ref_complete")).then(pl.col("reference_rate"))
    parts = joined.select(
        count=pl.col("count").cast(pl.Float64),
        denominator=pl.when(pl.col("denominator_kind") == "dwellings")
        .then(pl.col("dwellings"))
        .otherwise(pl.col("population"))
        .cast(pl.Float64),
        reference=reference_rate.cast(pl.Float64),
    )
    ratio, low, high = standardised_ratio(
        parts.get_column("count").to_numpy(),
        parts.get_column("denominator").to_numpy(),
        parts.get_column("reference").to_numpy(),
        alpha,
    )
    high = np.where(joined.get_column("complete").to_numpy(), high, np.nan)
    return (
        joined.with_columns(reference_rate.alias("reference_rate"))
        .drop("_ref_unit", "_ref_complete")
        .with_columns(
            pl.Series("ratio", ratio, dtype=pl.Float64).fill_nan(None),
            pl.Series("ratio_low", low, dtype=pl.Float64).fill_nan(None),
            pl.Series("ratio_high", high, dtype=pl.Float64).fill_nan(None),
        )
    )
