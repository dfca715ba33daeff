"""Reported values of the demo strategy (CISPD of the Métropole Rouen Normandie).

Every activity indicator per its periodicity from the strategy's start up to today, and the
council's own result indicators yearly, drawn from a fixed seed so that the demo is the same on
every machine for the same day. Trajectories differ on purpose, so the dashboard shows each
status: among the own result indicators one is on track, one at risk, one off track and one's
last value is not communicated (suppressed); among the activity indicators some grow, some fall,
one has no value for its last three periods (stale). Most values are validated, the last ones
wait for validation, a few came late, one was returned with a reason.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stspd.accounts.models import Membership, User
from stspd.audit.events import record
from stspd.demo.councils import DOMAIN
from stspd.demo.strategy import EPCI_SIREN
from stspd.observatory.models import State
from stspd.steering.access import REPORTER_ROLES, lead_reporters
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.steering.periods import due_on, period_end, periods_between
from stspd.steering.reporting import plausibility_warning, reportable_periods
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator, Strategy

SEED = 20240101
STALE_PERIODS = 3
RETURN_REASON = (
    "Le total ne correspond pas au bilan trimestriel présenté en comité de pilotage : "
    "vérifiez le décompte du trimestre et renvoyez la valeur corrigée."
)
# Own result indicators, in the demo's order: the share of the planned change achieved by each
# reported year (1 = on the planned line), None for a value the partner may not communicate.
RESULT_PATHS: dict[str, list[float | None]] = {
    "Élèves exclus temporairement accueillis par un dispositif": [1.05, 1.02],  # on track
    "Victimes de violences intrafamiliales accompagnées": [0.95, None],  # suppressed
    "Incidents signalés sur la ligne T4": [0.3, -0.25],  # off track: incidents rise again
    "Fiches action dont les indicateurs sont renseignés à l'échéance": [0.8, 0.72],  # at risk
}
# Activity trajectories: the share of the expected level per period, from the first to the last.
ACTIVITY_SHAPES = [(0.6, 1.15), (0.9, 1.0), (1.1, 0.55), (0.5, 1.3), (1.0, 0.95)]


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def demo_strategy() -> Strategy | None:
    return Strategy.objects.filter(council__epci__siren=EPCI_SIREN).first()


def reporter_for(strategy: Strategy, organisation_ids: list[int], fallback: User) -> User:
    """A member of one of the lead organisations with a reporting role, else the coordinator."""
    membership = (
        Membership.objects.filter(
            organisation__in=organisation_ids,
            user__council_roles__council=strategy.council,
            user__council_roles__role__in=REPORTER_ROLES,
        )
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return membership.user if membership else fallback


class Builder:
    def __init__(self, strategy: Strategy, coordinator: User, today: datetime.date) -> None:
        self.strategy, self.coordinator, self.today = strategy, coordinator, today
        self.now = timezone.now()
        self.rng = random.Random(SEED)
        self.rows: list[Measurement] = []

    def add(
        self,
        start: datetime.date,
        periodicity: str,
        value: Decimal | None,
        by: User,
        *,
        late: bool,
        last: bool,
        **use: ActionIndicator | ObjectiveIndicator,
    ) -> Measurement:
        due = due_on(start, periodicity)
        end = period_end(start, periodicity)
        if late:
            submitted = due + datetime.timedelta(days=self.rng.randint(6, 40))
        else:
            submitted = due - datetime.timedelta(days=self.rng.randint(0, 12))
        submitted = max(submitted, end + datetime.timedelta(days=1))
        submitted_at = min(at(submitted, 10), self.now - datetime.timedelta(hours=2))
        # The latest values wait for the coordinator; the earlier ones were validated.
        reviewed = not last and self.rng.random() > 0.05
        reviewed_at = submitted_at + datetime.timedelta(days=self.rng.randint(2, 9))
        if reviewed_at > self.now:
            reviewed = False
        state = State.SUPPRESSED if value is None else State.ZERO if value == 0 else State.PUBLISHED
        measurement = Measurement(
            period_start=start,
            state=state,
            value=value,
            late=submitted_at.date() > due,
            status=MeasurementStatus.VALIDATED if reviewed else MeasurementStatus.SUBMITTED,
            submitted_by=by,
            submitted_at=submitted_at,
            reviewed_by=self.coordinator if reviewed else None,
            reviewed_at=reviewed_at if reviewed else None,
            **use,
        )
        self.rows.append(measurement)
        return measurement

    def activity(self, use: ActionIndicator, position: int, *, stale: bool) -> None:
        periodicity = use.definition.periodicity
        every = periods_between(self.strategy.starts_on, self.strategy.ends_on, periodicity)
        periods = reportable_periods(self.strategy, periodicity, self.today)
        if stale:
            periods = periods[:-STALE_PERIODS]
        target = use.target_value or Decimal(len(every) * 10)
        level = float(target) / len(every)  # the target covers the strategy's period
        first, last = ACTIVITY_SHAPES[position % len(ACTIVITY_SHAPES)]
        lead = use.action.lead_id
        by = reporter_for(self.strategy, [lead] if lead else [], self.coordinator)
        for i, start in enumerate(periods):
            share = first + (last - first) * i / max(len(every) - 1, 1)
            value = max(0, round(level * share * self.rng.uniform(0.88, 1.12)))
            self.add(
                start,
                periodicity,
                Decimal(value),
                by,
                late=self.rng.random() < 0.08,
                last=i == len(periods) - 1,
                action_indicator=use,
            )

    def result(self, use: ObjectiveIndicator, path: list[float | None]) -> None:
        assert use.baseline_value is not None and use.target_value is not None
        assert use.baseline_on is not None and use.deadline is not None
        baseline, target = float(use.baseline_value), float(use.target_value)
        span = (use.deadline - use.baseline_on).days
        periodicity = use.definition.periodicity
        leads = list(use.objective.actions.exclude(lead=None).values_list("lead_id", flat=True))
        by = reporter_for(self.strategy, leads, self.coordinator)
        periods = reportable_periods(self.strategy, periodicity, self.today)
        for i, (start, achieved) in enumerate(zip(periods, path, strict=False)):
            value = None
            if achieved is not None:
                elapsed = (period_end(start, periodicity) - use.baseline_on).days / span
                value = Decimal(round(baseline + (target - baseline) * elapsed * achieved))
            self.add(
                start,
                periodicity,
                value,
                by,
                late=i == 1 and achieved is None,
                last=i == len(periods) - 1,
                objective_indicator=use,
            )


def typo(builder: Builder, use: ActionIndicator) -> None:
    """The latest value of one indicator typed with a zero too many: saved with its warning."""
    mine = [m for m in builder.rows if m.action_indicator == use]
    if len(mine) < 4:
        return
    last = mine[-1]
    assert last.value is not None
    last.value *= 10
    previous = [m.value for m in mine[:-1] if m.value is not None]
    last.warning = plausibility_warning(last.value, previous, use.target_value, use.definition.unit)
    last.status, last.reviewed_by, last.reviewed_at = MeasurementStatus.SUBMITTED, None, None
    last.comment = "Chiffre du tableau de suivi de l'association."


@transaction.atomic
def build_reporting_demo(today: datetime.date | None = None) -> int | None:
    """Create the demo strategy's reported values once; returns how many, None if done before
    (or if the demo strategy does not exist)."""
    strategy = demo_strategy()
    if strategy is None:
        return None
    actions = ActionIndicator.objects.filter(action__objective__axis__strategy=strategy)
    objectives = ObjectiveIndicator.objects.filter(
        objective__axis__strategy=strategy,
        definition__council__isnull=False,
        definition__observatory_indicator__isnull=True,
    )
    if Measurement.objects.filter(action_indicator__in=actions).exists():
        return None
    today = today or timezone.localdate()
    coordinator = User.objects.get(email=f"coordination@{DOMAIN}")
    builder = Builder(strategy, coordinator, today)
    ordered = list(
        actions.select_related("definition", "action").order_by(
            "action__objective__axis__position",
            "action__objective__position",
            "action__position",
        )
    )
    # A fiche action led by an organisation nobody of which reports: its values stopped.
    nobody = [u for u in ordered if not lead_reporters(strategy.council, [u.action.lead_id or 0])]
    stale = nobody[0] if nobody else ordered[-1]
    for position, use in enumerate(ordered):
        builder.activity(use, position, stale=use == stale)
    # The typo falls on a rising series with large numbers, where ten times is implausible.
    rising = [u for p, u in enumerate(ordered) if p % len(ACTIVITY_SHAPES) in (0, 3) and u != stale]
    typo(builder, max(rising, key=lambda u: u.target_value or 0))
    for result in objectives.select_related("definition", "objective"):
        path = RESULT_PATHS.get(result.definition.name)
        if path is not None and result.is_quantified:
            builder.result(result, path)
    Measurement.objects.bulk_create(builder.rows)
    # One value returned: the latest of the police's first fiche action (the demo partner's).
    returned = (
        Measurement.objects.filter(
            action_indicator__in=actions,
            action_indicator__action__lead__name__icontains="police nationale",
        )
        .order_by("-period_start", "action_indicator__action__position")
        .first()
    )
    if returned is not None:
        Measurement.objects.filter(pk=returned.pk).update(
            status=MeasurementStatus.RETURNED,
            review_comment=RETURN_REASON,
            reviewed_by=coordinator,
            reviewed_at=min(returned.submitted_at + datetime.timedelta(days=3), timezone.now()),
        )
    record(
        coordinator,
        "reported",
        strategy,
        council=strategy.council,
        label=f"Valeurs de démonstration ({len(builder.rows)})",
    )
    return len(builder.rows)
