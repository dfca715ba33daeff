"""The grants of a strategy's fiches action, for the pages of higher rooms (the evaluation's
funds page reads them here instead of keeping a copy)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from stspd.strategy.models import Strategy

from .models import Application, Grant

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


def strategy_grants(strategy: Strategy, today: datetime.date) -> list[GrantRow]:
    """One row per granted application of the strategy's fiches action, oldest call first."""
    applications = (
        Application.objects.filter(action__objective__axis__strategy=strategy, grants__isnull=False)
        .distinct()
        .select_related("call", "action__lead", "report")
        .prefetch_related(Prefetch("grants", queryset=Grant.objects.prefetch_related("payments")))
        .order_by("call__year", "title")
    )
    rows = []
    for application in applications:
        grants = list(application.grants.all())
        due = min(g.report_due_on for g in grants)
        if hasattr(application, "report"):
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
