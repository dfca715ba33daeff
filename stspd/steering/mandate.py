"""A new mandate started from the last one (issue 14, item 8; docs/decisions.md).

The coordinator copies a strategy in force (or closed) into a new draft for the next period:
its axes, objectives, result indicators, fiches action with their lead, partners, places and
activity indicators, and its evaluation method and steering settings. What belongs to the
period that ends is not copied: no reported values, no versions, review rounds, adoption,
deliberation or signatures; no milestones nor budget lines (dated and counted in the old
period's years); each fiche starts again "prévue", without dates. Each result indicator's
baseline becomes its last observed value (the last validated report, or the observatory's last
known yearly rate), dated at the end of its period; its target keeps its value with the new
period's end as deadline. Elements get new keys: remarks and values of the old strategy stay
with it. The council's formations, members and charter belong to the council, not to a
strategy: the new draft has them as they are.

The copy lives in steering, not strategy: it reads the values reported on the old strategy.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from crimestats.states import ValueState
from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.strategy.enums import ActionStatus, Status
from stspd.strategy.models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    Objective,
    ObjectiveIndicator,
    Strategy,
)
from stspd.strategy.snapshot import strategy_tree

from .enums import MeasurementStatus
from .models import Measurement
from .observatory_series import observatory_series
from .periods import period_end

# The states a strategy can be copied from: adopted and followed, or finished.
SOURCES = frozenset({Status.IN_FORCE, Status.CLOSED})
THOUSANDTH = Decimal("0.001")


class MandateRefused(Exception):
    """The strategy cannot be copied now; the message says why, in French."""


@dataclass(frozen=True)
class Observed:
    value: Decimal
    on: datetime.date
    source: str


def source_problem(strategy: Strategy) -> str:
    if strategy.status not in SOURCES:
        return (
            f"La stratégie est « {strategy.get_status_display()} » : un nouveau mandat part "
            "d'une stratégie en vigueur ou close."
        )
    return ""


def last_observed(uses: list[ObjectiveIndicator]) -> dict[int, Observed]:
    """Each result indicator's last known value: the observatory's last exact yearly rate for
    an indicator bound to it, otherwise the last value validated by the coordinator (a value
    still waiting for validation, suppressed, or only a lower bound is not a baseline)."""
    found: dict[int, Observed] = {}
    for pk, values in observatory_series(uses).items():
        known = [
            v
            for v in values
            if v.value is not None and v.state in (ValueState.PUBLISHED, ValueState.ZERO)
        ]
        if known:
            last = known[-1]
            found[pk] = Observed(
                Decimal(str(last.value)).quantize(THOUSANDTH), last.period_end, "observatoire"
            )
    reported = (
        Measurement.objects.filter(
            objective_indicator__in=[u for u in uses if u.pk not in found],
            objective_indicator__definition__observatory_indicator__isnull=True,
            status=MeasurementStatus.VALIDATED,
            value__isnull=False,
        )
        .select_related("objective_indicator__definition")
        .order_by("period_start", "pk")
    )
    for measurement in reported:
        use = measurement.objective_indicator
        assert use is not None and measurement.value is not None  # filtered above
        found[use.pk] = Observed(
            measurement.value,
            period_end(measurement.period_start, use.definition.periodicity),
            "valeur validée",
        )
    return found


@dataclass
class Copied:
    strategy: Strategy
    rebased: int  # result indicators given a new baseline
    kept: int  # result indicators with no value observed: their old baseline is kept


@transaction.atomic
def start_new_mandate(
    source: Strategy,
    *,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by: User,
) -> Copied:
    """Copy `source` into a new draft of the same council for the period given."""
    if problem := source_problem(source):
        raise MandateRefused(problem)
    tree = strategy_tree(source.pk)
    copy = Strategy.objects.create(
        council=source.council,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        status=Status.DRAFT,
        evaluation_method=source.evaluation_method,
        status_method=source.status_method,
        status_tolerance=source.status_tolerance,
        stale_periods=source.stale_periods,
    )
    uses = [
        use
        for axis in tree.axes.all()
        for objective in axis.objectives.all()
        for use in objective.indicators.all()
    ]
    observed = last_observed(uses)
    rebased = kept = 0
    for axis in tree.axes.all():
        new_axis = Axis.objects.create(
            strategy=copy, position=axis.position, title=axis.title, description=axis.description
        )
        for objective in axis.objectives.all():
            new_objective = Objective.objects.create(
                axis=new_axis,
                position=objective.position,
                statement=objective.statement,
                unquantified_reason=objective.unquantified_reason,
            )
            copies: dict[int, ObjectiveIndicator] = {}
            for use in objective.indicators.all():
                last = observed.get(use.pk)
                if last is not None and last.on >= ends_on:
                    last = None  # a baseline comes before the deadline (the period's end)
                if last is not None:
                    rebased += 1
                elif use.baseline_value is not None:
                    kept += 1
                copies[use.pk] = ObjectiveIndicator.objects.create(
                    objective=new_objective,
                    definition=use.definition,
                    baseline_value=last.value if last else use.baseline_value,
                    baseline_on=last.on if last else use.baseline_on,
                    target_value=use.target_value,
                    deadline=ends_on if use.deadline is not None else None,
                    direction=use.direction,
                    commune=use.commune,
                    public=use.public,
                )
            # A context indicator stays beside the result indicators it explained.
            for use in objective.indicators.all():
                explained = [copies[other.pk] for other in use.explains.all() if other.pk in copies]
                if explained:
                    copies[use.pk].explains.set(explained)
            for action in objective.actions.all():
                _copy_action(action, new_objective)
    record(
        by,
        "created",
        copy,
        council=copy.council,
        changes={
            "copie de": [
                "",
                f"{source.title} (du {source.starts_on:%d/%m/%Y} au {source.ends_on:%d/%m/%Y})",
            ],
            "période": ["", f"du {starts_on:%d/%m/%Y} au {ends_on:%d/%m/%Y}"],
            "valeurs de référence mises à jour": ["", str(rebased)],
        },
    )
    return Copied(copy, rebased, kept)


def _copy_action(action: Action, objective: Objective) -> None:
    copy = Action.objects.create(
        objective=objective,
        position=action.position,
        title=action.title,
        problem=action.problem,
        description=action.description,
        public=action.public,
        neighbourhoods=action.neighbourhoods,
        lead=action.lead,
        status=ActionStatus.PLANNED,
    )
    copy.communes.set(action.communes.all())
    ActionPartner.objects.bulk_create(
        ActionPartner(action=copy, organisation=p.organisation, role=p.role)
        for p in action.partners.all()
    )
    for use in action.indicators.all():
        ActionIndicator.objects.create(
            action=copy, definition=use.definition, target_value=use.target_value
        )
