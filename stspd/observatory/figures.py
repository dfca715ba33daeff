"""A territory's recorded-crime figures, read from the stored SSMSI values.

Every computation is crimestats'; this module only reads the database, in a fixed number of
queries whatever the number of member communes, and shapes the result for the pages and the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from crimestats.aggregate import aggregate_territory, compare_with_reference, national_reference
from crimestats.rates import add_rates
from stspd.territories.models import Commune, CommuneShape

from .models import Edition, GeoLevel, Indicator, Value

_FIELDS = {
    "geo_code": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    "unit": pl.String,
    "denominator_kind": pl.String,
    "count": pl.Int64,
    "state": pl.String,
    "population": pl.Int64,
    "dwellings": pl.Int64,
    "edition_id": pl.Int64,
}
_LOOKUPS = [
    "geo_code",
    "year",
    "indicator__label",
    "indicator__unit",
    "indicator__denominator_kind",
    "count",
    "state",
    "population",
    "dwellings",
    "edition_id",
]


def load_values(level: str, **filters: Any) -> pl.DataFrame:
    """Stored values of one geographic level as a frame in crimestats' layout (one query)."""
    rows = Value.objects.filter(geo_level=level, **filters).values_list(*_LOOKUPS)
    frame = pl.DataFrame(list(rows), schema=_FIELDS, orient="row")
    return frame.with_columns(pl.lit(level).alias("geo_level"))


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
        rows = add_rates(communes).with_columns(
            complete=pl.col("state") != "suppressed",
            n_members=pl.lit(1, pl.Int64),
            n_suppressed=(pl.col("state") == "suppressed").cast(pl.Int64),
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
    communes = load_values(GeoLevel.COMMUNE, geo_code__in=territory.codes)
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
    """GeoJSON of the member communes with their value for one indicator-year (two queries)."""
    values = {
        row[0]: row[1:]
        for row in Value.objects.filter(
            geo_level=GeoLevel.COMMUNE,
            geo_code__in=territory.codes,
            indicator=indicator,
            year=year,
        ).values_list("geo_code", "state", "count", "population", "dwellings")
    }
    names = {commune.code: commune.name for commune in territory.members}
    features = []
    for code, geometry in CommuneShape.objects.filter(
        commune__code__in=territory.codes
    ).values_list("commune__code", "geometry"):
        state, count, population, dwellings = values.get(code, (None, None, None, None))
        denominator = dwellings if indicator.denominator_kind == "dwellings" else population
        rate = 1000 * count / denominator if count is not None and denominator else None
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "name": names.get(code, code),
                    "state": state or "missing",
                    "count": count,
                    "rate": rate,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
