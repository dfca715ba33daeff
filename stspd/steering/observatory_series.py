"""Yearly values of the objectives' indicators bound to the observatory (SSMSI), read from the
stored editions through the observatory's figures: nothing is copied, so a newly imported
edition shows at once, and a value's edition is always the one it was read from.

The territory of an indicator is its perimeter commune when it has one, else its council's
territory (the commune of a CLSPD, the member communes of a CISPD). A territory of several
communes is their sum only where every member is published; otherwise the sum is a lower bound
(crimestats.aggregate), and says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from django.db.models import Q

from crimestats.aggregate import aggregate_territory
from crimestats.rates import add_rates
from crimestats.states import ValueState
from stspd.observatory.access import _territory
from stspd.observatory.figures import Territory, load_values
from stspd.observatory.models import Edition, GeoLevel
from stspd.strategy.models import ObjectiveIndicator
from stspd.territories.models import Commune, CommuneKind


@dataclass(frozen=True)
class ObservedValue:
    """One year of an indicator on its territory.

    `value` is the rate per 1,000 (inhabitants, or dwellings for burglaries): the unit of the
    indicator's baseline and target. It is None when suppressed, and only a minimum when the
    state is a lower bound (so is `count`).
    """

    year: int
    state: ValueState
    value: float | None
    count: int | None
    edition: Edition | None
    n_suppressed: int = 0

    @property
    def period_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def state_label(self) -> str:
        return self.state.long_label


def _state(count: int | None, complete: bool) -> ValueState:
    if count is None:
        return ValueState.SUPPRESSED
    if not complete:
        return ValueState.LOWER_BOUND
    return ValueState.ZERO if count == 0 else ValueState.PUBLISHED


def observatory_series(uses: Sequence[ObjectiveIndicator]) -> dict[int, list[ObservedValue]]:
    """ObjectiveIndicator pk -> its yearly values, oldest first, for those of `uses` bound to
    the observatory (the others are left out). Four queries whatever the number of indicators,
    perimeters and councils; none when no indicator is bound."""
    rows = list(
        ObjectiveIndicator.objects.filter(
            pk__in=[use.pk for use in uses], definition__observatory_indicator__isnull=False
        ).values_list(
            "pk",
            "definition__observatory_indicator__label",
            "commune_id",
            "objective__axis__strategy__council_id",
            "objective__axis__strategy__council__name",
            "objective__axis__strategy__council__commune_id",
            "objective__axis__strategy__council__epci_id",
        )
    )
    if not rows:
        return {}
    commune_ids = {r[2] for r in rows if r[2]} | {r[5] for r in rows if r[5]}
    epci_ids = {r[6] for r in rows if r[6]}
    communes = list(
        Commune.objects.select_related("departement")
        .filter(Q(pk__in=commune_ids) | Q(epci__in=epci_ids), kind=CommuneKind.COMMUNE)
        .order_by("-population", "code")
    )
    by_id = {c.pk: c for c in communes}

    # The row of `values_list` above: the perimeter commune and the council's commune or EPCI
    # may be null.
    def territory_of(
        row: tuple[int, str, int | None, int, str, int | None, int | None],
    ) -> Territory | None:
        _, _, commune_id, council_id, council_name, council_commune, council_epci = row
        commune_pk = commune_id or council_commune
        if commune_pk:
            commune = by_id.get(commune_pk)
            if commune is None:
                return None
            return _territory("commune", commune.code, commune.name, [commune], None)
        members = [c for c in communes if c.epci_id == council_epci]
        if not members:
            return None
        return _territory("conseil", str(council_id), council_name, members, None)

    territories = {row[0]: territory_of(row) for row in rows}
    labels = sorted({row[1] for row in rows})
    codes = sorted({code for t in territories.values() if t for code in t.codes})
    values = load_values(GeoLevel.COMMUNE, codes).filter(pl.col("indicator").is_in(labels))
    editions = {
        e.pk: e
        for e in Edition.objects.filter(pk__in=values.get_column("edition_id").unique().to_list())
    }
    series: dict[int, list[ObservedValue]] = {}
    figures: dict[tuple[str, str], pl.DataFrame] = {}
    for pk, label, *_ in rows:
        territory = territories[pk]
        if territory is None:
            series[pk] = []
            continue
        key = (territory.kind, territory.key)
        if key not in figures:
            figures[key] = _figures(values, territory)
        series[pk] = [
            ObservedValue(
                year=row["year"],
                state=_state(row["count"], row["complete"]),
                value=row["rate"] if row["count"] is not None else None,
                count=row["count"],
                edition=editions.get(row["edition_id"]),
                n_suppressed=row["n_suppressed"],
            )
            for row in figures[key]
            .filter(pl.col("indicator") == label)
            .sort("year")
            .iter_rows(named=True)
        ]
    return series


def _figures(values: pl.DataFrame, territory: Territory) -> pl.DataFrame:
    """indicator, year, count, complete, rate, n_suppressed and the latest edition_id of the
    members' values, for one territory."""
    mine = values.filter(pl.col("geo_code").is_in(territory.codes))
    if mine.is_empty():
        return pl.DataFrame(
            schema={
                "indicator": pl.String,
                "year": pl.Int32,
                "count": pl.Int64,
                "complete": pl.Boolean,
                "rate": pl.Float64,
                "n_suppressed": pl.Int64,
                "edition_id": pl.Int64,
            }
        )
    editions = mine.group_by("indicator", "year").agg(pl.col("edition_id").max())
    if territory.is_single_commune:
        rows = add_rates(mine).with_columns(
            complete=pl.col("state") != ValueState.SUPPRESSED,
            n_suppressed=(pl.col("state") == ValueState.SUPPRESSED).cast(pl.Int64),
        )
    else:
        rows = aggregate_territory(mine, territory.codes, territory_code=territory.key)
    return rows.select("indicator", "year", "count", "complete", "rate", "n_suppressed").join(
        editions, on=["indicator", "year"], how="left"
    )
