"""A département of comparable communes with a known effect, for the counterfactual tests.

24 communes of Seine-Maritime outside the council, each with a rate b_j x f(t) per 1,000 of
"Vols violents sans arme" in 2016-2023 (the same shape f, levels b_j from 6 to 13.2), and Rouen
(a council member) whose rate is the mean of two of them until 2020, then 30 % below from 2021.
Counts are rates x population rounded to whole facts.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from stspd.conftest import World, make_commune, values_frame
from stspd.indicators.library import sync_library
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.importer import write_values
from stspd.observatory.models import Edition, Indicator
from stspd.strategy.models import ObjectiveIndicator
from stspd.territories.models import Commune

from ..models import InterventionStart

LABEL = "Vols violents sans arme"
YEARS = list(range(2016, 2024))
SHAPE = [1.0, 1.05, 1.1, 1.02, 0.8, 0.9, 0.95, 1.0]
DONOR_POPULATION = 30_000
ROUEN_POPULATION = 117_662


@dataclass
class Panel:
    indicator: Indicator
    use: ObjectiveIndicator
    donors: list[Commune]


def donor_level(j: int) -> float:
    return 6.0 + 0.3 * j


def rouen_rates(effect: float = 0.7) -> list[float]:
    base = (donor_level(3) + donor_level(4)) / 2
    return [
        base * f * (effect if year >= 2021 else 1.0) for year, f in zip(YEARS, SHAPE, strict=True)
    ]


def write_panel(
    indicator: Indicator,
    donors: list[Commune],
    rouen: list[float | None],
    suppressed: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
) -> None:
    edition = Edition.objects.create(
        source_name="communes-76-vols.csv.gz",
        sha256="c" * 64,
        geo_level="commune",
        cog_year=2024,
        imported_at=timezone.now(),
        schema_version=2,
        file_format="csv",
        label_table_version="2025-07",
    )
    rows = []
    for j, commune in enumerate(donors):
        for year, f in zip(YEARS, SHAPE, strict=True):
            count = round(donor_level(j) * f * DONOR_POPULATION / 1000)
            hidden = (commune.code, year) in suppressed
            rows.append((commune.code, year, LABEL, None if hidden else count, DONOR_POPULATION))
    for year, rate in zip(YEARS, rouen, strict=True):
        count = None if rate is None else round(rate * ROUEN_POPULATION / 1000)
        rows.append(("76540", year, LABEL, count, ROUEN_POPULATION))
    frame = values_frame(rows)
    write_values(frame, edition)


def make_panel(
    world: World,
    *,
    rouen: list[float | None] | None = None,
    suppressed: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
    start: int | None = 2021,
) -> Panel:
    indicator = Indicator.objects.create(
        label=LABEL, unit="infraction", denominator_kind="inhabitants"
    )
    sync_library()
    rouen_commune = Commune.objects.get(code="76540")
    donors = [
        make_commune(
            f"76{700 + j}",
            f"Commune témoin {j:02d}",
            rouen_commune.departement,
            None,
            DONOR_POPULATION + 10 * j,
        )
        for j in range(24)
    ]
    write_panel(
        indicator,
        donors,
        rouen if rouen is not None else list(rouen_rates()),
        suppressed,
    )
    use = ObjectiveIndicator.objects.create(
        objective=world.objective,
        definition=IndicatorDefinition.objects.get(observatory_indicator=indicator),
        baseline_value=6.0,
        baseline_on=datetime.date(2020, 12, 31),
        target_value=5.0,
        deadline=datetime.date(2028, 12, 31),
        direction="decrease",
        commune=rouen_commune,
    )
    if start is not None:
        InterventionStart.objects.create(
            objective_indicator=use, year=start, reason="Le dispositif a commencé en 2021."
        )
    return Panel(indicator, use, donors)


@pytest.fixture
def panel(world: World) -> Panel:
    return make_panel(world)
