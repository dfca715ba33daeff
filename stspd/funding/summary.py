"""The grants of a strategy's fiches action, for the pages of higher rooms (the evaluation's
funds page reads them here instead of keeping a copy)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Prefetch, Sum

from stspd.strategy.models import Strategy

from .models import Application, Grant, Payment

ZERO = Decimal(0)


@dataclass
class GrantRow:
    application: Application
    year: int
    requested: Decimal
    granted: Decimal
    paid: Decimal
    report_due_on: datetime.date | None
    report_state: str


def strategy_grants(
    strategy: Strategy, today: datetime.date, *, as_of: datetime.date | None = None
) -> list[GrantRow]:
    """One row per granted application of the strategy's fiches action, oldest call first.

    `as_of`: the situation on that day (an annual review's 31 December): only the grants
    decided, the payments made and the reports filed by then. None: everything recorded."""
    grants_query = Grant.objects.all()
    payments_query = Payment.objects.all()
    applications = Application.objects.filter(
        action__objective__axis__strategy=strategy, grants__isnull=False
    )
    if as_of is not None:
        grants_query = grants_query.filter(decided_on__lte=as_of)
        payments_query = payments_query.filter(paid_on__lte=as_of)
        applications = applications.filter(grants__decided_on__lte=as_of)
    applications = (
        applications.distinct()
        .select_related("call", "action__lead", "report")
        .prefetch_related(
            Prefetch(
                "grants",
                queryset=grants_query.prefetch_related(
                    Prefetch("payments", queryset=payments_query)
                ),
            )
        )
        .order_by("call__year", "title")
    )
    rows = []
    for application in applications:
        grants = list(application.grants.all())
        due = min(g.report_due_on for g in grants)
        if hasattr(application, "report") and (
            as_of is None or application.report.submitted_on <= as_of
        ):
            state = f"déposé le {application.report.submitted_on:%d/%m/%Y}"
        else:
            state = "en retard" if due < today else "à venir"
        rows.append(
            GrantRow(
                application=application,
                year=application.call.year,
                requested=application.fipd_requested,
                granted=sum((g.amount for g in grants), ZERO),
                paid=sum((p.amount for g in grants for p in g.payments.all()), ZERO),
                report_due_on=due,
                report_state=state,
            )
        )
    return rows


FIPD = "fipd"  # the funder's code (reference.FUNDERS)


@dataclass
class FipdFigures:
    """A council's FIPD figures for the State's views (aggregates only: no project, no
    person). Applications, requested, granted and paid: those of the year's calls; reports
    late: every granted application whose report is past due on the day and not received,
    whatever its call's year (a 2025 report late in 2026 is what the préfecture chases)."""

    applications: int = 0
    requested: Decimal = ZERO
    granted: Decimal = ZERO
    paid: Decimal = ZERO
    reports_late: int = 0

    def add(self, other: FipdFigures) -> None:
        self.applications += other.applications
        self.requested += other.requested
        self.granted += other.granted
        self.paid += other.paid
        self.reports_late += other.reports_late


COUNCIL = "action__objective__axis__strategy__council_id"


def fipd_by_council(year: int, day: datetime.date) -> dict[int, FipdFigures]:
    """Every council's FIPD figures, by council id, in four queries whatever the number of
    councils (a council with none is absent: read it with `.get(pk, FipdFigures())`).

    An application is counted once it is recorded: the platform keeps no draft of one (it is
    prepared and sent to the préfecture with the council's list)."""
    figures: dict[int, FipdFigures] = {}

    def of(council_id: int) -> FipdFigures:
        return figures.setdefault(council_id, FipdFigures())

    calls = {"call__funder__code": FIPD, "call__year": year}
    for row in (
        Application.objects.filter(**calls)
        .values(COUNCIL)
        .annotate(count=Count("pk"), requested=Sum("fipd_requested"))
        .order_by()
    ):
        found = of(row[COUNCIL])
        found.applications = row["count"]
        found.requested = row["requested"] or ZERO
    for row in (
        Grant.objects.filter(**{f"application__{k}": v for k, v in calls.items()})
        .values(f"application__{COUNCIL}")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        of(row[f"application__{COUNCIL}"]).granted = row["total"] or ZERO
    for row in (
        Payment.objects.filter(**{f"grant__application__{k}": v for k, v in calls.items()})
        .values(f"grant__application__{COUNCIL}")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        of(row[f"grant__application__{COUNCIL}"]).paid = row["total"] or ZERO
    # Late as strategy_grants says it: the earliest grant's due date passed, no report.
    for council_id in (
        Application.objects.filter(call__funder__code=FIPD, report__isnull=True)
        .annotate(due=Min("grants__report_due_on"))
        .filter(due__lt=day)
        .values_list(COUNCIL, flat=True)
        .order_by()
    ):
        of(council_id).reports_late += 1
    return figures
