"""Yearly values of the objectives' indicators bound to the observatory, read from the stored
editions: states, perimeters, editions, a fixed number of queries, new editions shown at once."""

import datetime

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stspd.conftest import rewrite_values
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.importer import write_values
from stspd.observatory.models import Edition
from stspd.steering.observatory_series import observatory_series
from stspd.strategy.models import Objective, ObjectiveIndicator
from stspd.territories.models import Commune

from .reporting_helpers import own_result


def bound(world, commune: str | None = None) -> ObjectiveIndicator:  # type: ignore[no-untyped-def]
    return ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=IndicatorDefinition.objects.get(observatory_indicator=world.indicator),
        direction="decrease",
        commune=Commune.objects.get(code=commune) if commune else None,
    )


def test_council_territory_sums_members_and_says_when_it_is_a_lower_bound(world) -> None:  # type: ignore[no-untyped-def]
    use = world.objective.indicators.get()
    series = observatory_series([use])[use.pk]
    assert [(v.year, v.state, v.count) for v in series] == [
        (2021, "published", 130),  # Rouen 100 + Saint-Étienne-du-Rouvray 30
        (2022, "lower_bound", 120),  # Saint-Étienne-du-Rouvray suppressed: 120 at least
        (2023, "published", 90),  # 90 + a published zero
    ]
    assert series[0].value == pytest.approx(1000 * 130 / 130_000)
    assert series[1].n_suppressed == 1 and series[1].state_label.startswith("borne inférieure")
    assert {v.edition.source_name for v in series if v.edition} == {"communes.csv.gz"}
    assert series[0].period_end == datetime.date(2021, 12, 31)


def test_commune_perimeter_keeps_the_three_states(world) -> None:  # type: ignore[no-untyped-def]
    use = bound(world, "76575")
    series = observatory_series([use])[use.pk]
    assert [(v.year, v.state, v.count, v.value) for v in series] == [
        (2021, "published", 30, pytest.approx(1.0)),
        (2022, "suppressed", None, None),
        (2023, "zero", 0, 0.0),
    ]


def test_reported_indicators_are_left_out(world) -> None:  # type: ignore[no-untyped-def]
    own = own_result(world)
    assert observatory_series([own]) == {}


def test_query_count_does_not_grow_with_indicators_or_perimeters(world) -> None:  # type: ignore[no-untyped-def]
    one = [world.objective.indicators.get()]
    with CaptureQueriesContext(connection) as few:
        observatory_series(one)
    more = [*one, bound(world, "76575"), bound(world, "76540")]
    for n in range(3):
        objective = Objective.objects.create(axis=world.axis, position=n + 2, statement=f"O{n}")
        more.append(
            ObjectiveIndicator.objects.create(
                objective=objective, definition=one[0].definition, direction="decrease"
            )
        )
    with CaptureQueriesContext(connection) as many:
        series = observatory_series(more)
    assert len(few) == len(many) == 4
    assert len(series) == 6 and series[more[2].pk][0].count == 100  # Rouen alone


def test_a_newly_imported_edition_shows_without_any_copy(world) -> None:  # type: ignore[no-untyped-def]
    use = bound(world, "76540")
    communal = Edition.objects.get(source_name="communes.csv.gz")
    rewrite_values(communal, lambda cells: cells.filter(pl.col("year") < 2023))
    newer = Edition.objects.create(
        source_name="communes-2025.csv.gz",
        sha256="c" * 64,
        geo_level="commune",
        cog_year=2025,
        imported_at=timezone.now(),
        schema_version=2,
        file_format="csv",
        label_table_version="2025-07",
    )
    write_values(
        pl.DataFrame(
            {
                "geo_code": ["76540", "76540"],
                "year": [2023, 2024],
                "indicator": [world.indicator.label] * 2,
                "count": [95, 80],
                "population": [100_000, 100_000],
                "state": ["published", "published"],
            },
            schema_overrides={"year": pl.Int32, "count": pl.Int64, "population": pl.Int64},
        ).with_columns(dwellings=pl.lit(None, pl.Int64), rate_per_1000=pl.lit(None, pl.Float64)),
        newer,
    )
    series = observatory_series([use])[use.pk]
    assert [(v.year, v.count, v.edition.source_name if v.edition else "") for v in series] == [
        (2021, 100, "communes.csv.gz"),
        (2022, 120, "communes.csv.gz"),
        (2023, 95, "communes-2025.csv.gz"),
        (2024, 80, "communes-2025.csv.gz"),
    ]
