"""Reporting the values of indicators: which periods are due, checks of a value, and the verbs.

Who may report what is in access.py. A value is reported once its period has ended, for a period
of the strategy's; it is due `periods.GRACE_DAYS` after the period's end and accepted later,
flagged `late`. A value that looks odd (far from the indicator's previous values, or far above
its target) is saved with a `warning` for the coordinator, never refused: the partner may be
right. The coordinator validates it or returns it with a reason; a returned or submitted value is
corrected by submitting the same period again. A validated value is changed only by the
coordinator.
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from crimestats.french import date, number
from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.access import can_edit_council
from stspd.councils.models import Council
from stspd.observatory.models import State
from stspd.strategy.enums import Status
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator, Strategy

from .access import IndicatorUse, kind_of, organisations_of, strategy_of
from .enums import MeasurementStatus
from .models import Measurement
from .periods import due_on, period_end, period_label, periods_between

# Values are reported once the strategy is adopted; a closed strategy still takes late values.
REPORTING_STATUSES = frozenset(
    {
        Status.ADOPTED,
        Status.DELIBERATED,
        Status.SIGNED,
        Status.IN_FORCE,
        Status.REVISION,
        Status.CLOSED,
    }
)
# Reminders stop once the strategy is closed.
REMINDED_STATUSES = REPORTING_STATUSES - {Status.CLOSED}
# Plausibility: a value more than ten times (or less than a tenth of) the median of the
# indicator's previous values, when there are at least three of them, or more than three times
# its target, is flagged.
IMPLAUSIBLE_RATIO = 10
MIN_HISTORY = 3
FAR_ABOVE_TARGET = 3
MAX_DECIMALS = 3
MAX_DIGITS = 14


class ReportingError(Exception):
    """A value that cannot be saved, with the reason in French."""


def french(value: Decimal | float) -> str:
    """A value as typed, every digit kept: 1234.50 -> "1 234,5"."""
    return number(value, None)


# Reading a typed value ------------------------------------------------------------------------

NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_value(text: str) -> Decimal:
    """A number as people type it in France: "12,5", "1 234,5" or "12.5".

    >>> parse_value("1 234,5")
    Decimal('1234.5')
    """
    cleaned = SPACES.sub("", text.strip())
    if not NUMBER.match(cleaned):
        raise ReportingError(
            f"« {text.strip()} » n'est pas un nombre : saisissez par exemple 12 ou 12,5 "
            "(virgule décimale)."
        )
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ReportingError(f"« {text.strip()} » n'est pas un nombre.") from None
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > MAX_DECIMALS:
        raise ReportingError(f"Saisissez au plus {MAX_DECIMALS} décimales.")
    if abs(value) >= Decimal(10) ** (MAX_DIGITS - MAX_DECIMALS):
        raise ReportingError("Ce nombre est trop grand.")
    return value


PER_THOUSANDS = re.compile(r"pour\s*(1|10|100)\s?000|pour\s*mille|‰")


def is_percentage(unit: str) -> bool:
    """A share out of 100: "%", "pourcentage", "taux de ..." (not a rate per 1,000)."""
    unit = unit.lower()
    return ("%" in unit or "pourcent" in unit or "taux" in unit) and not PER_THOUSANDS.search(unit)


def may_be_negative(unit: str) -> bool:
    """Counts, amounts and shares are never negative; a change or a balance may be."""
    unit = unit.lower()
    return any(word in unit for word in ("évolution", "variation", "solde", "écart"))


def unit_problem(value: Decimal, unit: str) -> str:
    """Why the value cannot be in this unit, or ""."""
    if value < 0 and not may_be_negative(unit):
        return f"Une valeur en « {unit} » ne peut pas être négative."
    if value > 100 and is_percentage(unit):
        return f"Une valeur en « {unit} » ne dépasse pas 100 : saisissez un pourcentage."
    return ""


# Periods ---------------------------------------------------------------------------------------


def periodicity_of(use: IndicatorUse) -> str:
    return use.definition.periodicity


def strategy_periods(strategy: Strategy, periodicity: str) -> list[datetime.date]:
    return periods_between(strategy.starts_on, strategy.ends_on, periodicity)


def reportable_periods(
    strategy: Strategy, periodicity: str, today: datetime.date
) -> list[datetime.date]:
    """The strategy's periods that have ended by `today` (their values may be reported)."""
    return [
        start
        for start in strategy_periods(strategy, periodicity)
        if period_end(start, periodicity) <= today
    ]


def period_problem(
    strategy: Strategy, periodicity: str, start: datetime.date, today: datetime.date
) -> str:
    """Why no value may be reported for this period, or ""."""
    label = period_label(start, periodicity)
    if start not in strategy_periods(strategy, periodicity):
        return (
            f"La période « {label} » est hors de la période de la stratégie (du "
            f"{date(strategy.starts_on)} au {date(strategy.ends_on)})."
        )
    if start > today:
        return f"La période « {label} » n'a pas commencé : on ne renseigne pas l'avenir."
    end = period_end(start, periodicity)
    if end > today:
        return (
            f"La période « {label} » n'est pas terminée : sa valeur se renseigne à partir du "
            f"{date(end + datetime.timedelta(days=1))}."
        )
    return ""


# Plausibility ----------------------------------------------------------------------------------


def plausibility_warning(
    value: Decimal, previous: Sequence[Decimal], target: Decimal | None, unit: str
) -> str:
    """Why the value looks unusual, or "" (a warning for the coordinator, never a refusal)."""
    reasons = []
    if len(previous) >= MIN_HISTORY:
        median = Decimal(statistics.median(previous))
        if median > 0 and value > IMPLAUSIBLE_RATIO * median:
            reasons.append(
                f"{french(value)} est plus de dix fois la médiane des {len(previous)} valeurs "
                f"précédentes ({french(median)} {unit})."
            )
        elif median > 0 and value < median / IMPLAUSIBLE_RATIO:
            reasons.append(
                f"{french(value)} est moins du dixième de la médiane des {len(previous)} "
                f"valeurs précédentes ({french(median)} {unit})."
            )
    if target is not None and target > 0 and value > FAR_ABOVE_TARGET * target:
        reasons.append(
            f"{french(value)} dépasse de loin la cible ({french(target)} {unit}) : plus de "
            "trois fois."
        )
    return " ".join(reasons)


# Measurements of an indicator ------------------------------------------------------------------


def measurements_of(use: IndicatorUse) -> QuerySet[Measurement]:
    if isinstance(use, ActionIndicator):
        return Measurement.objects.filter(action_indicator=use)
    return Measurement.objects.filter(objective_indicator=use)


def previous_values(use: IndicatorUse, start: datetime.date) -> list[Decimal]:
    """The values of earlier periods (returned ones left out: they are being corrected)."""
    rows = (
        measurements_of(use)
        .filter(period_start__lt=start, value__isnull=False)
        .exclude(status=MeasurementStatus.RETURNED)
        .values_list("value", flat=True)
    )
    return [value for value in rows if value is not None]


def is_reported(use: IndicatorUse) -> bool:
    """Indicators bound to the observatory are read from the imported editions, those fed by
    the surveys from their published waves, those bound to a context source from the imported
    context data: none is reported."""
    return use.definition.is_reported


OBSERVATORY_REFUSAL = (
    "Cet indicateur vient des statistiques nationales de la délinquance (SSMSI) : ses valeurs "
    "se mettent à jour à chaque import d'une édition dans l'observatoire et ne se saisissent pas."
)
CONTEXT_REFUSAL = (
    "Cet indicateur de contexte vient des données publiques importées (Insee, ANCT, DEPP, "
    "ministère du Logement) pour son territoire : il ne se saisit pas."
)
SURVEY_REFUSAL = (
    "Cet indicateur vient des enquêtes du conseil auprès des habitants : chaque vague publiée "
    "en donne la valeur (une part en %), qui ne se saisit pas."
)


def reporting_problem(use: IndicatorUse) -> str:
    """Why this indicator takes no reported value at all, or ""."""
    if use.definition.from_survey:
        return SURVEY_REFUSAL
    if use.definition.from_context:
        return CONTEXT_REFUSAL
    if not is_reported(use):
        return OBSERVATORY_REFUSAL
    strategy = strategy_of(use)
    if strategy.status not in REPORTING_STATUSES:
        return (
            f"La stratégie est « {strategy.get_status_display()} » : ses indicateurs se "
            "renseignent une fois la stratégie adoptée."
        )
    return ""


# Verbs -----------------------------------------------------------------------------------------


def _label(use: IndicatorUse, start: datetime.date) -> str:
    return f"{use.definition.name} — {period_label(start, periodicity_of(use))}"


@transaction.atomic
def submit(
    use: IndicatorUse,
    *,
    period_start: datetime.date,
    state: str,
    value: Decimal | None,
    comment: str,
    evidence: UploadedFile[bytes] | None,
    by: User,
    role: str | None,
    today: datetime.date | None = None,
) -> Measurement:
    """Record the value of one period, or correct the value already submitted or returned.

    A validated value is changed only by the coordinator (and stays validated). Raises
    ReportingError with the reason when the value cannot be saved.
    """
    today = today or timezone.localdate()
    if problem := reporting_problem(use):
        raise ReportingError(problem)
    strategy = strategy_of(use)
    periodicity = periodicity_of(use)
    if problem := period_problem(strategy, periodicity, period_start, today):
        raise ReportingError(problem)
    if state == State.PUBLISHED and value == 0:
        state = State.ZERO
    if state == State.ZERO:
        value = Decimal(0)
    elif state == State.SUPPRESSED:
        value = None
    elif value is None:
        raise ReportingError("Saisissez la valeur, ou choisissez « zéro » ou « non communiquée ».")
    if value is not None and (problem := unit_problem(value, use.definition.unit)):
        raise ReportingError(problem)
    found = measurements_of(use).select_for_update().filter(period_start=period_start).first()
    coordinator = can_edit_council(role)
    if found and found.status == MeasurementStatus.VALIDATED and not coordinator:
        raise ReportingError(
            "Cette valeur est déjà validée par le coordinateur : demandez-lui de la corriger."
        )
    target = use.target_value
    warning = (
        plausibility_warning(value, previous_values(use, period_start), target, use.definition.unit)
        if value is not None
        else ""
    )
    now = timezone.now()
    measurement = found or Measurement(
        period_start=period_start,
        late=today > due_on(period_start, periodicity),
        submitted_at=now,
        **{("action_indicator" if kind_of(use) == "action" else "objective_indicator"): use},
    )
    before = {
        "état": measurement.get_state_display() if found else "",
        "valeur": french(found.value) if found and found.value is not None else "",
        "commentaire": found.comment if found else "",
        "suite donnée": measurement.get_status_display() if found else "",
    }
    measurement.state = state
    measurement.value = value
    measurement.comment = comment
    measurement.warning = warning
    measurement.submitted_by = by
    measurement.submitted_at = now
    if evidence is not None:
        measurement.evidence = evidence
    if found and found.status == MeasurementStatus.VALIDATED:
        measurement.reviewed_by, measurement.reviewed_at = by, now
    else:
        measurement.status = MeasurementStatus.SUBMITTED
    try:
        measurement.full_clean(exclude=["evidence"])
    except ValidationError as error:  # e.g. the same period sent twice at the same moment
        raise ReportingError(" ".join(error.messages)) from None
    measurement.save()
    after = {
        "état": measurement.get_state_display(),
        "valeur": french(value) if value is not None else "",
        "commentaire": comment,
        "suite donnée": measurement.get_status_display(),
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if evidence is not None:
        changes["justificatif"] = ["", evidence.name or ""]
    record(
        by,
        "reported",
        measurement,
        council=strategy.council,
        changes=changes,
        label=_label(use, period_start),
    )
    return measurement


@transaction.atomic
def validate(measurement: Measurement, *, by: User) -> Measurement:
    if measurement.status == MeasurementStatus.VALIDATED:
        raise ReportingError("Cette valeur est déjà validée.")
    measurement.status = MeasurementStatus.VALIDATED
    measurement.reviewed_by, measurement.reviewed_at = by, timezone.now()
    measurement.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    use = measurement.use
    record(
        by,
        "validated",
        measurement,
        council=strategy_of(use).council,
        label=_label(use, measurement.period_start),
    )
    return measurement


@transaction.atomic
def send_back(measurement: Measurement, *, reason: str, by: User) -> Measurement:
    """Return a value to its reporter with the reason; they correct it and submit it again."""
    reason = reason.strip()
    if not reason:
        raise ReportingError("Dites au pilote pourquoi la valeur est renvoyée.")
    measurement.status = MeasurementStatus.RETURNED
    measurement.review_comment = reason
    measurement.reviewed_by, measurement.reviewed_at = by, timezone.now()
    measurement.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    use = measurement.use
    record(
        by,
        "returned",
        measurement,
        council=strategy_of(use).council,
        changes={"motif du renvoi": ["", reason]},
        label=_label(use, measurement.period_start),
    )
    return measurement


# What a person has to report -------------------------------------------------------------------


@dataclass
class Slot:
    """One indicator-period a person reports: its value, or its absence."""

    use: IndicatorUse
    strategy: Strategy
    period_start: datetime.date
    measurement: Measurement | None
    today: datetime.date

    @property
    def kind(self) -> str:
        return kind_of(self.use)

    @property
    def periodicity(self) -> str:
        return periodicity_of(self.use)

    @property
    def label(self) -> str:
        return period_label(self.period_start, self.periodicity)

    @property
    def due_on(self) -> datetime.date:
        return due_on(self.period_start, self.periodicity)

    @property
    def to_do(self) -> bool:
        """Missing, or returned for correction."""
        return self.measurement is None or self.measurement.status == MeasurementStatus.RETURNED

    @property
    def overdue(self) -> bool:
        return self.to_do and self.due_on < self.today

    @property
    def where(self) -> str:
        if isinstance(self.use, ActionIndicator):
            return f"Fiche action « {self.use.action.title} »"
        return f"Objectif « {self.use.objective.statement} »"


def reporting_strategies(council: Council, statuses: Iterable[str] = REPORTING_STATUSES) -> Q:
    return Q(council=council, status__in=list(statuses))


def action_uses(strategies: QuerySet[Strategy]) -> QuerySet[ActionIndicator]:
    return ActionIndicator.objects.filter(
        action__objective__axis__strategy__in=strategies,
        definition__observatory_indicator=None,
        definition__survey_question="",
        definition__context_source="",
    ).select_related("definition", "action__lead", "action__objective__axis__strategy__council")


def objective_uses(strategies: QuerySet[Strategy]) -> QuerySet[ObjectiveIndicator]:
    return ObjectiveIndicator.objects.filter(
        objective__axis__strategy__in=strategies,
        definition__observatory_indicator=None,
        definition__survey_question="",
        definition__context_source="",
    ).select_related("definition", "commune", "objective__axis__strategy__council")


def slots_of(
    uses: Sequence[IndicatorUse], today: datetime.date, *, include_done: bool = True
) -> list[Slot]:
    """Every reportable period of the indicators, with its measurement (two queries)."""
    action_ids = [u.pk for u in uses if isinstance(u, ActionIndicator)]
    objective_ids = [u.pk for u in uses if isinstance(u, ObjectiveIndicator)]
    found: dict[tuple[str, int | None, datetime.date], Measurement] = {}
    for m in Measurement.objects.filter(
        Q(action_indicator__in=action_ids) | Q(objective_indicator__in=objective_ids)
    ).select_related("submitted_by"):
        if m.action_indicator_id:
            found[("action", m.action_indicator_id, m.period_start)] = m
        else:
            found[("objectif", m.objective_indicator_id, m.period_start)] = m
    slots = []
    for use in uses:
        strategy = strategy_of(use)
        for start in reportable_periods(strategy, periodicity_of(use), today):
            slot = Slot(use, strategy, start, found.get((kind_of(use), use.pk, start)), today)
            if include_done or slot.to_do:
                slots.append(slot)
    return slots


def duties(user: User, council: Council, role: str | None) -> list[IndicatorUse]:
    """The indicators the person reports in the council: those of the actions their
    organisations lead, the objectives' own indicators for the coordinator and for the leads of
    the objective's actions. (The coordinator may report every action's too, from the
    strategy's values page.)"""
    strategies = Strategy.objects.filter(reporting_strategies(council))
    if role == "admin":
        role = "coordinator"
    if role not in ("coordinator", "partner"):
        return []
    organisations = organisations_of(user)
    led = list(action_uses(strategies).filter(action__lead__in=organisations))
    objectives = objective_uses(strategies)
    if role != "coordinator":
        objectives = objectives.filter(objective__actions__lead__in=organisations).distinct()
    return [*led, *objectives]


def ordered(slots: list[Slot]) -> tuple[list[Slot], list[Slot]]:
    """(to do: overdue first then by due date; done: latest period first)."""
    to_do = sorted((s for s in slots if s.to_do), key=lambda s: (not s.overdue, s.due_on))
    done = sorted((s for s in slots if not s.to_do), key=lambda s: s.period_start, reverse=True)
    return to_do, done
