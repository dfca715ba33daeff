"""The State's views: a row per council of a département, sums per département and for France.

Aggregates only: counts of councils, meetings, working groups, obligations and indicators'
statuses, the councils' names and their named coordinators; never a working group's name,
members or content. Every total is the sum of the rows below it (tested), so that the national
secretariat's figures for Parliament add up to what each préfecture sees.

FIPD applications and grants come from the funding room (`funding.summary.fipd_by_council`,
read once for every council: a fixed number of queries whatever their number), per council
and summed like the other totals.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from crimestats.status import LABELS as STATUS_LABELS
from stspd.councils.enums import CouncilKind, FormationKind
from stspd.councils.models import Council, Formation
from stspd.funding.summary import FipdFigures, fipd_by_council
from stspd.steering.dashboard import dashboard_data
from stspd.strategy.enums import Status
from stspd.strategy.models import BudgetLine
from stspd.territories.models import Departement

from .access import council_departement_id
from .check import Verdict, check, is_dormant
from .models import YearlyReturn
from .territory import RequiredCommune, required_communes

IN_FORCE = {Status.IN_FORCE, Status.REVISION, Status.SIGNED}


@dataclass
class CouncilRow:
    council: Council
    departement_id: int | None
    dormant: bool
    coordinator: str
    strategy_title: str
    strategy_status: str
    strategy_in_force: bool
    working_groups: int
    verdicts: Counter[str]
    indicator_statuses: Counter[str]
    last_return: YearlyReturn | None
    funds_committed: Decimal
    fipd: FipdFigures = field(default_factory=FipdFigures)

    @property
    def statuses_text(self) -> str:
        """ "2 en bonne voie, 1 en retard": the result indicators' statuses, counted."""
        parts = [
            f"{self.indicator_statuses[code]} {label}"
            for code, label in STATUS_LABELS.items()
            if self.indicator_statuses[code]
        ]
        return ", ".join(parts) or "aucun indicateur suivi"

    @property
    def missing(self) -> int:
        return self.verdicts[Verdict.MISSING.code]

    @property
    def late(self) -> int:
        return self.verdicts[Verdict.LATE.code]

    @property
    def met(self) -> int:
        return self.verdicts[Verdict.MET.code]


@dataclass
class Totals:
    """What a report to Parliament counts, for a département or for France."""

    communes_required: int = 0
    communes_covered: int = 0
    clspd: int = 0
    cispd: int = 0
    active: int = 0
    dormant: int = 0
    strategies_in_force: int = 0
    coordinators: int = 0
    working_groups: int = 0
    obligations_missing: int = 0
    obligations_late: int = 0
    returns_received: int = 0
    indicator_statuses: Counter[str] = field(default_factory=Counter)
    # Amounts committed in the councils' action plans for the year, every funder (euros).
    funds_committed: Decimal = Decimal(0)
    # FIPD: applications to the year's calls, amounts requested, granted and paid on them,
    # reports late on the day (funding.summary.FipdFigures).
    fipd: FipdFigures = field(default_factory=FipdFigures)

    NUMBERS = (
        "communes_required",
        "communes_covered",
        "clspd",
        "cispd",
        "active",
        "dormant",
        "strategies_in_force",
        "coordinators",
        "working_groups",
        "obligations_missing",
        "obligations_late",
        "returns_received",
    )

    def add(self, other: "Totals") -> None:
        for name in self.NUMBERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.indicator_statuses.update(other.indicator_statuses)
        self.funds_committed += other.funds_committed
        self.fipd.add(other.fipd)

    @property
    def councils(self) -> int:
        return self.clspd + self.cispd

    @property
    def communes_uncovered(self) -> int:
        return self.communes_required - self.communes_covered

    def status_rows(self) -> list[tuple[str, int]]:
        return [(label, self.indicator_statuses[code]) for code, label in STATUS_LABELS.items()]


def council_row(
    council: Council, day: datetime.date, return_year: int, fipd: FipdFigures | None = None
) -> CouncilRow:
    strategy = council.strategies.order_by("-starts_on").first()
    statuses: Counter[str] = Counter()
    if strategy is not None:
        statuses.update(dashboard_data(strategy.pk, today=day).counts)
    return CouncilRow(
        council=council,
        departement_id=council_departement_id(council),
        dormant=is_dormant(council, day),
        coordinator=str(council.coordinator) if council.coordinator else "",
        strategy_title=strategy.title if strategy else "",
        strategy_status=strategy.get_status_display() if strategy else "",
        strategy_in_force=strategy is not None and strategy.status in IN_FORCE,
        working_groups=Formation.objects.filter(
            council=council, kind=FormationKind.WORKING_GROUP
        ).count(),
        verdicts=Counter(finding.verdict.code for finding in check(council, day)),
        indicator_statuses=statuses,
        last_return=council.yearly_returns.filter(year=return_year).first(),
        funds_committed=BudgetLine.objects.filter(
            action__objective__axis__strategy__council=council, year=return_year
        ).aggregate(total=Sum("committed"))["total"]
        or Decimal(0),
        fipd=fipd or FipdFigures(),
    )


def council_rows(
    day: datetime.date, return_year: int, departement: Departement | None = None
) -> list[CouncilRow]:
    """A row per approved council (of the département, when one is given)."""
    councils = (
        Council.objects.filter(approved_at__isnull=False)
        .select_related("commune", "epci", "coordinator")
        .order_by("name")
    )
    fipd = fipd_by_council(return_year, day)
    return [
        council_row(council, day, return_year, fipd.get(council.pk))
        for council in councils
        if departement is None or council_departement_id(council) == departement.pk
    ]


def totals(rows: list[CouncilRow], required: list[RequiredCommune]) -> Totals:
    result = Totals(
        communes_required=len(required),
        communes_covered=sum(1 for row in required if row.council is not None),
    )
    for row in rows:
        if row.council.kind == CouncilKind.CLSPD:
            result.clspd += 1
        else:
            result.cispd += 1
        result.dormant += row.dormant
        result.active += not row.dormant
        result.strategies_in_force += row.strategy_in_force
        result.coordinators += bool(row.coordinator)
        result.working_groups += row.working_groups
        result.obligations_missing += row.missing
        result.obligations_late += row.late
        result.returns_received += row.last_return is not None
        result.indicator_statuses.update(row.indicator_statuses)
        result.funds_committed += row.funds_committed
        result.fipd.add(row.fipd)
    return result


@dataclass
class DepartementView:
    departement: Departement
    rows: list[CouncilRow]
    required: list[RequiredCommune]
    totals: Totals


def departement_view(
    departement: Departement, day: datetime.date, return_year: int
) -> DepartementView:
    rows = council_rows(day, return_year, departement)
    required = required_communes(departement, day)
    return DepartementView(departement, rows, required, totals(rows, required))


@dataclass
class NationalView:
    departements: list[tuple[Departement, Totals]]
    france: Totals


def national_view(day: datetime.date, return_year: int) -> NationalView:
    """Every département with a council or a commune that must have one, and France's sums."""
    rows = council_rows(day, return_year)
    required = required_communes(None, day)
    rows_by_dep: dict[int | None, list[CouncilRow]] = {}
    for row in rows:
        rows_by_dep.setdefault(row.departement_id, []).append(row)
    required_by_dep: dict[int, list[RequiredCommune]] = {}
    for commune in required:
        required_by_dep.setdefault(commune.commune.departement_id, []).append(commune)
    ids = set(required_by_dep) | {pk for pk in rows_by_dep if pk is not None}
    france = Totals()
    departements = []
    for departement in Departement.objects.filter(pk__in=ids).order_by("code"):
        dep_totals = totals(
            rows_by_dep.get(departement.pk, []),
            required_by_dep.get(departement.pk, []),
        )
        france.add(dep_totals)
        departements.append((departement, dep_totals))
    return NationalView(departements, france)
