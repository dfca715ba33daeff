"""A territory's recorded-crime figures, read from the stored SSMSI values.

Every computation is crimestats'; this module only reads the database, in a fixed number of
queries whatever the number of member communes, and shapes the result for the pages and the CSV.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from crimestats.aggregate import (
    DOUBLE_COUNTED_UNIT,
    aggregate_territory,
    compare_with_reference,
    national_reference,
)
from crimestats.funnel import funnel, funnel_curve, poisson_limit
from crimestats.rates import add_rates
from crimestats.similar import similar_communes
from crimestats.states import ValueState
from stspd.context.summary import with_similarity_context
from stspd.territories.models import Commune, CommuneShape

from .blocks import BLOCK_FIELDS, LOWER_BOUND, area_codes, decode
from .models import Edition, GeoLevel, Indicator, SeriesBlock


def load_values(
    level: str,
    codes: Iterable[str] | None = None,
    *,
    indicator: Indicator | None = None,
    year: int | None = None,
    lower_bounds: bool = False,
) -> pl.DataFrame:
    """Stored values of one geographic level as a frame in crimestats' layout (one query): the
    territories `codes` (default: all), one `indicator` and one `year` when given.

    The frame has `read_ssmsi`'s columns (the published rate left out: figures recompute
    rates from counts and denominators) and the `edition_id` of each value.

    A commune merged since a file's geography may be stored as a lower bound (state
    `lower_bound`, "au moins" its count). Only a reader that says it handles that state gets
    it (`lower_bounds=True`); any other reads such a value as suppressed, no count: a value not
    known exactly is never passed off as an exact figure.
    """
    wanted = None if codes is None else list(codes)
    blocks = SeriesBlock.objects.filter(geo_level=level)
    if wanted is not None:
        areas = area_codes(pl.Series(wanted, dtype=pl.String), level).unique().to_list()
        blocks = blocks.filter(area__in=areas)
    if indicator is not None:
        blocks = blocks.filter(indicator=indicator)
    if year is not None:
        blocks = blocks.filter(first_year__lte=year, last_year__gte=year)
    frame = decode(list(blocks.values_list(*BLOCK_FIELDS)), codes=wanted, year=year)
    if not lower_bounds:
        bound = pl.col("state") == LOWER_BOUND
        frame = frame.with_columns(
            count=pl.when(bound).then(None).otherwise(pl.col("count")),
            state=pl.when(bound).then(pl.lit("suppressed")).otherwise(pl.col("state")),
        )
    return frame.drop("rate_per_1000").with_columns(pl.lit(level).alias("geo_level"))


@dataclass
class Territory:
    """What the observatory shows figures for: a commune, an EPCI or a council's area."""

    kind: str  # "commune" | "epci" | "conseil"
    key: str  # INSEE code, SIREN or council id: the URL's
    name: str
    members: list[Commune]
    departement_code: str
    departement_name: str
    council: Any = None

    @property
    def codes(self) -> list[str]:
        return [commune.code for commune in self.members]

    @property
    def is_single_commune(self) -> bool:
        return len(self.members) == 1


@dataclass
class Figures:
    """Per indicator and year: the territory's figure and its two references."""

    territory: Territory
    series: pl.DataFrame  # one row per indicator-year, territory + département + France
    indicators: list[Indicator]
    editions: list[Edition]
    departement_editions: list[Edition] = field(default_factory=list)
    communes: pl.DataFrame = field(default_factory=pl.DataFrame)  # the members' own values

    def indicator_series(self, label: str) -> pl.DataFrame:
        return self.series.filter(pl.col("indicator") == label).sort("year")


def _territory_rows(territory: Territory, communes: pl.DataFrame) -> pl.DataFrame:
    if territory.is_single_commune:
        # A lower bound (a merged commune with a suppressed part) is "au moins" its count.
        known = pl.col("state").is_in(["published", "zero"])
        rows = add_rates(communes).with_columns(
            complete=known,
            n_members=pl.lit(1, pl.Int64),
            n_suppressed=(~known).cast(pl.Int64),
            n_missing=pl.lit(0, pl.Int64),
            may_overcount=pl.lit(False),
        )
        return rows.drop("edition_id", "rate_per_1000", strict=False)
    return aggregate_territory(communes, territory.codes, territory_code=territory.key)


def _reference_rates(territory_rows: pl.DataFrame, reference: pl.DataFrame, prefix: str) -> Any:
    if territory_rows.is_empty() or reference.is_empty():
        return territory_rows.with_columns(
            pl.lit(None, pl.Float64).alias(f"{prefix}_rate"),
            pl.lit(None, pl.Float64).alias(f"{prefix}_ratio"),
            pl.lit(None, pl.Float64).alias(f"{prefix}_ratio_low"),
            pl.lit(None, pl.Float64).alias(f"{prefix}_ratio_high"),
        )
    compared = compare_with_reference(territory_rows, reference.drop("geo_level", strict=False))
    return compared.rename(
        {
            "reference_rate": f"{prefix}_rate",
            "ratio": f"{prefix}_ratio",
            "ratio_low": f"{prefix}_ratio_low",
            "ratio_high": f"{prefix}_ratio_high",
        }
    )


def territory_figures(territory: Territory) -> Figures:
    """All indicators, all years, with the département and France (six queries in all)."""
    communes = load_values(GeoLevel.COMMUNE, territory.codes, lower_bounds=True)
    departements = load_values(GeoLevel.DEPARTEMENT)
    rows = _territory_rows(territory, communes)
    departement = departements.filter(pl.col("geo_code") == territory.departement_code)
    france = national_reference(departements) if not departements.is_empty() else departements
    # France and the département only where the territory has figures (same indicators).
    rows = _reference_rates(rows, departement, "dep")
    rows = _reference_rates(rows, france.drop("complete", strict=False), "fr")
    edition_ids = set(communes.get_column("edition_id").unique().to_list())
    dep_ids = set(departement.get_column("edition_id").unique().to_list())
    editions = {e.pk: e for e in Edition.objects.filter(pk__in=edition_ids | dep_ids)}
    labels = set(rows.get_column("indicator").unique().to_list()) if rows.height else set()
    return Figures(
        territory=territory,
        series=rows.sort("indicator", "year"),
        communes=communes,
        indicators=list(Indicator.objects.filter(label__in=labels).order_by("retired", "label")),
        editions=[editions[pk] for pk in sorted(edition_ids) if pk in editions],
        departement_editions=[editions[pk] for pk in sorted(dep_ids) if pk in editions],
    )


def member_map(territory: Territory, indicator: Indicator, year: int) -> dict[str, Any]:
    """GeoJSON of the member communes with their value for one indicator-year (two queries).

    A member without a stored outline has a null geometry: listed in the table, not drawn.
    """
    cells = load_values(
        GeoLevel.COMMUNE, territory.codes, indicator=indicator, year=year, lower_bounds=True
    )
    values = {
        row[0]: row[1:]
        for row in cells.select("geo_code", "state", "count", "population", "dwellings").rows()
    }
    shapes = dict(
        CommuneShape.objects.filter(commune__code__in=territory.codes).values_list(
            "commune__code", "geometry"
        )
    )
    features = []
    for commune in territory.members:
        code, geometry = commune.code, shapes.get(commune.code)  # no outline: table only
        state, count, population, dwellings = values.get(code, (None, None, None, None))
        denominator = dwellings if indicator.denominator_kind == "dwellings" else population
        rate = 1000 * count / denominator if count is not None and denominator else None
        if state == LOWER_BOUND:
            rate = None  # not a rate to colour the map with: the table says "au moins"
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "name": commune.name,
                    "state": state or "missing",
                    "count": count,
                    "rate": rate,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


FLAG_LABELS = {
    "above_99.8": "au-dessus de la limite à 99,8 %",
    "above_95": "au-dessus de la limite à 95 %",
    "within": "dans l'entonnoir",
    "below_95": "en dessous de la limite à 95 %",
    "below_99.8": "en dessous de la limite à 99,8 %",
    ValueState.SUPPRESSED: ValueState.SUPPRESSED.label,
    "no_denominator": "dénominateur inconnu",
}


def _flag_against(target_rate: float, count: float, denominator: float, phi: float = 1.0) -> str:
    """Where a territory's count falls among the communes' control limits (same method, the
    same overdispersion factor ``phi`` when above 1)."""
    expected = target_rate / 1000 * denominator
    inflate = math.sqrt(phi) if phi > 1 else 1.0
    flag = "within"
    for level, name in [(0.95, "95"), (0.998, "99.8")]:
        tail = (1 - level) / 2
        high = expected + inflate * (float(poisson_limit(1 - tail, [expected])[0]) - expected)
        low = expected + inflate * (float(poisson_limit(tail, [expected])[0]) - expected)
        if count > high:
            flag = f"above_{name}"
        elif count < low:
            flag = f"below_{name}"
    return flag


def funnel_data(
    territory: Territory,
    indicator: Indicator,
    year: int,
    territory_row: dict[str, Any],
    *,
    overdispersed: bool = True,
) -> dict[str, Any] | None:
    """Every commune's rate for one indicator-year around France's rate (one query).

    ``overdispersed``: limits widened by Spiegelhalter's multiplicative factor estimated on the
    communes (``crimestats.funnel``), when it is above 1 and there are enough communes;
    otherwise pure Poisson limits. ``overdispersion`` in the answer says which and why.

    France's rate comes from the département files, which have no secrecy (`fr_rate` of the
    territory's row); without it, the communes' pooled rate, which leans high since the
    suppressed communes are mostly small ones with few facts. The territory is placed among
    them when its figure is known (not a lower bound).
    """
    dwellings = indicator.denominator_kind == "dwellings"
    cells = load_values(GeoLevel.COMMUNE, indicator=indicator, year=year).sort("geo_code")
    if cells.is_empty():
        return None
    codes = cells.get_column("geo_code").to_list()
    counts = cells.get_column("count").cast(pl.Float64).fill_null(math.nan).to_numpy()
    denominators = (
        cells.get_column("dwellings" if dwellings else "population")
        .cast(pl.Float64)
        .fill_null(math.nan)
        .to_numpy()
    )
    france = territory_row.get("fr_rate")
    reference = float(france) if france is not None and math.isfinite(france) else None
    if indicator.unit == DOUBLE_COUNTED_UNIT:
        # France's drug suspects summed over départements may count a person twice, communes'
        # rows once per commune: not the same basis, so the communes' own pooled rate.
        reference = None
    result = funnel(
        counts,
        denominators,
        target_rate=reference,
        overdispersion="multiplicative" if overdispersed else "none",
    )
    known = np.isfinite(denominators) & (denominators > 0)
    if not known.any() or math.isnan(result.target_rate):
        return None
    drawn = known & ~np.isnan(counts)
    if drawn.sum() < 2:
        return None
    # The curves span the communes drawn: below them the limits only widen off the chart.
    estimate = result.overdispersion
    phi = estimate.phi if result.overdispersion_applied == "multiplicative" and estimate else 1.0
    curve = funnel_curve(
        result.target_rate,
        float(denominators[drawn].min()),
        float(denominators[drawn].max()),
        phi=phi,
    )
    members = set(territory.codes)
    points = [
        [float(denominators[i]), round(float(result.rate[i]), 4), codes[i] in members]
        for i in range(len(codes))
        if drawn[i]
    ]
    flags = {codes[i]: str(result.flag[i]) for i in range(len(codes))}
    denominator = territory_row["dwellings"] if dwellings else territory_row["population"]
    place = None
    if territory_row["status"] in ("published", "zero") and denominator:
        place = {
            "denominator": float(denominator),
            "rate": float(territory_row["rate"]),
            "flag": _flag_against(result.target_rate, territory_row["count"], denominator, phi),
        }
    return {
        "year": year,
        "target": result.target_rate,
        "target_is_france": reference is not None,
        "n_points": len(points),
        "n_suppressed": result.n_suppressed,
        "points": points,
        "curve": {
            "denominators": curve.denominators.round(1).tolist(),
            "lower95": curve.lower[0].round(4).tolist(),
            "upper95": curve.upper[0].round(4).tolist(),
            "lower998": curve.lower[1].round(4).tolist(),
            "upper998": curve.upper[1].round(4).tolist(),
        },
        "territory": place,
        "flags": flags,
        "overdispersion": {
            "asked": overdispersed,
            "applied": phi > 1,
            "phi": None if estimate is None or math.isnan(estimate.phi) else estimate.phi,
            "inflation": math.sqrt(phi),
            "n_units": estimate.n_units if estimate else 0,
            "reason": estimate.reason if estimate else "",
        },
    }


NO_OTHER_COMMUNE = (
    "aucune autre commune n'a de valeur de cet indicateur dans les fichiers importés : "
    "importez le fichier national (ou celui d'autres départements) pour comparer"
)
NO_POPULATION = "la population légale de la commune n'est pas dans le référentiel"


@dataclass
class Similar:
    """Communes similar to a commune, and their pooled rate per indicator-year; when there is
    none, why (`reason`, French, shown on the page)."""

    communes: list[dict[str, str]]  # code, name, reasons
    rates: pl.DataFrame  # indicator, year, similar_rate, similar_n
    reason: str = ""


def communes_with_values(indicator: Indicator) -> set[str]:
    """The communes with a stored value of the indicator, in any edition (one query over the
    indicator's blocks, about one per département and edition)."""
    codes: set[str] = set()
    for text in SeriesBlock.objects.filter(
        geo_level=GeoLevel.COMMUNE, indicator=indicator
    ).values_list("codes", flat=True):
        codes.update(text.split())
    return codes


def similar_reference(territory: Territory, indicator: Indicator, k: int = 10) -> Similar | None:
    """For a single commune: its `k` most similar communes (crimestats.similar) among those
    with stored values of the indicator, else the comparison would be empty (communes of
    other départements when only one département's file is loaded), on size and, when it is
    stored, context (poverty, income, social housing, QPV: `stspd import-context`). Four
    queries (six on the first page after an import: the context is read once per process).

    The reference rate pools the similar communes whose value is known that year (published or
    zero): sum of counts / sum of denominators. Suppressed ones are left out, never read as 0.
    """
    if not territory.is_single_commune:
        return None
    commune_code = territory.codes[0]
    candidates = communes_with_values(indicator) | {commune_code}
    if len(candidates) < 2:
        return Similar(communes=[], rates=pl.DataFrame(), reason=NO_OTHER_COMMUNE)
    # Filtered here, not with `code__in`: nationally that is ~35,000 parameters, past what
    # SQLite builds and PostgreSQL's protocol (65,535) allow or comfortably take.
    rows = (
        row
        for row in Commune.objects.filter(kind="commune", population__gt=0).values_list(
            "code", "name", "population", "epci__kind", "departement__code"
        )
        if row[0] in candidates
    )
    names = {}
    columns: dict[str, list[Any]] = {
        "code": [],
        "population": [],
        "dwellings": [],
        "epci_type": [],
        "departement": [],
    }
    for code, name, population, epci_kind, departement in rows:
        names[code] = name
        for key, value in zip(
            columns, (code, population, None, epci_kind, departement), strict=True
        ):
            columns[key].append(value)
    if commune_code not in names:
        return Similar(communes=[], rates=pl.DataFrame(), reason=NO_POPULATION)
    if len(names) < 2:
        return Similar(communes=[], rates=pl.DataFrame(), reason=NO_OTHER_COMMUNE)
    features = pl.DataFrame(
        columns,
        schema={
            "code": pl.String,
            "population": pl.Int64,
            "dwellings": pl.Int64,
            "epci_type": pl.String,
            "departement": pl.String,
        },
    )
    # The communes' context (poverty, income, social housing, QPV) when it is stored.
    features = with_similarity_context(features)
    chosen = similar_communes(features, commune_code, k=k)
    codes = chosen.get_column("code").to_list()
    values = load_values(GeoLevel.COMMUNE, codes)
    known = values.filter(pl.col("state").is_in(["published", "zero"])).with_columns(
        denominator=pl.when(pl.col("denominator_kind") == "dwellings")
        .then(pl.col("dwellings"))
        .otherwise(pl.col("population"))
    )
    rates = (
        known.filter(pl.col("denominator").is_not_null())
        .group_by("indicator", "year")
        .agg(
            similar_rate=pl.col("count").sum() / pl.col("denominator").sum() * 1000.0,
            similar_n=pl.len(),
        )
    )
    return Similar(
        communes=[
            {"code": code, "name": names[code], "reasons": reasons}
            for code, reasons in chosen.select("code", "reasons").iter_rows()
        ],
        rates=rates,
    )
