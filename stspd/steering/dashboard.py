"""The tableau de bord of a strategy: where each objective stands, what is late, what is owed.

`dashboard_data(strategy_id)` reads everything in a fixed number of queries whatever the size of
the strategy (fourteen: the tree, the context indicators' links to the result indicators they
explain, the reported values, the observatory's values of the member
communes, the open decisions), then filters and computes in Python. The status of a result
indicator is crimestats.status's, with its reason in French; context indicators never get one.

Which values count: measurements validated by the coordinator and those submitted and not yet
validated (marked as such, so that a late validation does not hide a fresh figure); returned
ones do not count. Values of indicators bound to the observatory are the imported SSMSI rates
per 1,000 of the council's territory, or of the indicator's perimeter commune. A territory's rate
with a suppressed member is only a lower bound: it is drawn as one but never judged (it counts
as not disclosed for the status). Values of indicators fed by the council's surveys are the
weighted shares of its published waves, in percent, with their intervals (survey_series).
Values of context indicators bound to a context source are the imported context data of their
territory (context_series); a context indicator is shown beside the result indicators it
explains, never with a status.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape  # the standard library's: Django's lazy wrapper is slow here
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import mark_safe

from crimestats.french import at_least, date, number, share
from crimestats.states import ValueState
from crimestats.status import LABELS, IndicatorStatus, TargetedIndicator, indicator_status
from stspd.accounts.models import Organisation
from stspd.core.ids import parse_id
from stspd.councils.enums import DecisionKind, DecisionStatus, FormationKind
from stspd.councils.models import Decision
from stspd.indicators.enums import IndicatorKind, Periodicity
from stspd.strategy.enums import ActionStatus
from stspd.strategy.models import Action, Axis, Objective, ObjectiveIndicator, Strategy
from stspd.strategy.numbering import numbered_tree

from . import periods
from .context_series import ContextSeries, context_series, history_text, period_bounds
from .enums import MeasurementStatus
from .models import Measurement
from .observatory_series import observatory_series
from .periods import MONTHS
from .survey_series import SurveySeries, survey_series

# Thousands of values share a few dozen periods.
period_end = functools.lru_cache(maxsize=4096)(periods.period_end)
period_label = functools.lru_cache(maxsize=4096)(periods.period_label)

STATUS_ORDER = ["off_track", "at_risk", "suppressed", "stale", "not_enough_data", "on_track"]
# DSFR badge of each status (the words are always written: colour is never the only sign).
BADGES = {
    "on_track": "fr-badge--success",
    "at_risk": "fr-badge--warning",
    "off_track": "fr-badge--error",
    "not_enough_data": "fr-badge--info",
    "stale": "fr-badge--new",
    "suppressed": "",
}
SOURCE_LABELS = {
    "validated": "validée",
    "submitted": "transmise, pas encore validée",
    "observatory": "statistiques nationales (SSMSI)",
    "survey": "enquête auprès des habitants (vague publiée)",
    "context": "données de contexte (Insee, ANCT, DEPP, ministère du Logement)",
}
SOURCE_SHORT = {
    "validated": "validée",
    "submitted": "transmise, pas encore validée",
    "observatory": "SSMSI",
    "survey": "enquête",
    "context": "contexte",
}
CLOSED_ACTIONS = {ActionStatus.DONE, ActionStatus.ABANDONED}
FOLLOWED_FORMATIONS = (FormationKind.PLENARY, FormationKind.RESTRICTED)


@dataclass
class Point:
    """One period's value of an indicator."""

    start: datetime.date
    end: datetime.date  # the date the value refers to, for the status and the chart
    label: str
    state: str  # a ValueState
    value: float | None  # None when suppressed
    source: str  # validated | submitted | observatory | survey | context
    # A survey wave's: its 95 % interval (percent) and, when not shown, why.
    low: float | None = None
    high: float | None = None
    note: str = ""
    # A context value's text as its state says ("≤ 5 %": a censored value is never exact).
    shown: str = ""

    @property
    def text(self) -> str:
        if self.shown:
            return self.shown
        if self.value is None:
            label = ValueState.SUPPRESSED.label
            return f"{label} ({self.note})" if self.note else label
        if self.low is not None and self.high is not None:
            return (
                f"{number(self.value, 1)} % (intervalle à 95 % : {number(self.low, 1)} à "
                f"{number(self.high, 1)} %)"
            )
        return at_least(number(self.value, 2, trim=True), self.state == ValueState.LOWER_BOUND)

    @property
    def judged_value(self) -> float | None:
        """What the status reads: a lower bound is not a figure to judge."""
        return None if self.state == ValueState.LOWER_BOUND else self.value


@dataclass
class IndicatorRow:
    use: ObjectiveIndicator
    name: str
    unit: str
    kind: str
    periodicity: str
    from_observatory: bool
    points: list[Point]
    status: IndicatorStatus | None
    note: str  # why there is no status, when there is none
    # The waves of an indicator fed by the council's surveys (None otherwise).
    survey: SurveySeries | None = None
    # The context data of an indicator bound to a context source (None otherwise).
    context: ContextSeries | None = None
    # A context row: the names of the result indicators it explains; a result row: the context
    # rows shown beside it.
    explains: list[str] = field(default_factory=list)
    beside: list[IndicatorRow] = field(default_factory=list)
    # Filled for the PDF only (dashboard_pdf.pdf_context).
    svg: str = ""
    recent_points: list[Point] = field(default_factory=list)

    @property
    def status_code(self) -> str | None:
        return self.status.code if self.status else None

    @property
    def badge(self) -> str:
        return BADGES[self.status.code] if self.status else ""

    @property
    def pending(self) -> int:
        return sum(p.source == "submitted" for p in self.points)

    @property
    def origin(self) -> str:
        """Where the values come from and what they are compared with, in one sentence."""
        use = self.use
        if self.from_observatory:
            where = f"de {use.commune.name}" if use.commune else "du territoire du conseil"
            text = f"Valeurs : statistiques nationales (SSMSI), taux annuel {where}."
        elif self.context is not None:
            text = self.context.origin()
        elif self.survey is not None:
            text = self.survey.origin()
        else:
            pending = self.pending
            text = "Valeurs renseignées par les pilotes" + (
                f", dont {pending} transmise{'s' if pending > 1 else ''} pas encore "
                f"validée{'s' if pending > 1 else ''}."
                if pending
                else "."
            )
        if use.baseline_value is not None and use.baseline_on is not None:
            text += f" Référence {_figure(use.baseline_value)} au {date(use.baseline_on)}"
            if use.target_value is not None and use.deadline is not None:
                text += (
                    f", cible {_figure(use.target_value)} au {date(use.deadline)} "
                    f"({use.get_direction_display().lower()})"
                )
            text += "."
        return text

    def table_rows(self) -> str:
        """The rows of the chart's data table, built here rather than in a template loop: a
        large strategy has thousands of values and the page must stay fast."""
        # Safe: the label and the text are escaped; state and source are fixed codes.
        return mark_safe(
            "".join(
                f'<tr><th scope="row">{escape(p.label)}</th>'
                f'<td class="stspd-state--{p.state}">{escape(p.text)}</td>'
                f"<td>{SOURCE_SHORT[p.source]}</td></tr>"
                for p in self.points
            )
        )

    def chart(self) -> dict[str, Any]:
        """The chart's data for static/steering/dashboard.js (json_script).

        Each point sits at its period: a yearly value at its year (a category of the axis, so
        2023's value stands above "2023"), a monthly or quarterly one at its first day, with
        the period's last day for the band of a suppressed value. Baseline and target sit at
        their date's year on a yearly chart.
        """
        use = self.use
        # Survey waves sit at the day their collection ended: two waves may share a year.
        yearly = self.periodicity == Periodicity.YEAR and self.survey is None
        return {
            "name": self.name,
            "unit": self.unit,
            "yearly": yearly,
            "points": [
                [
                    str(p.start.year) if yearly else p.start.isoformat(),
                    p.value,
                    p.state,
                    p.source,
                    p.label,
                    str(p.start.year) if yearly else p.end.isoformat(),
                ]
                for p in self.points
            ],
            "baseline": _dated(use.baseline_on, use.baseline_value, yearly=yearly),
            "target": _dated(use.deadline, use.target_value, yearly=yearly),
        }


@dataclass
class ActionRow:
    action: Action
    number: str
    milestones_total: int
    milestones_done: int
    milestones_upcoming: int
    overdue_milestones: list[Any]
    ended_late: bool  # its end date is passed and it is neither done nor abandoned
    planned: Decimal
    committed: Decimal
    spent: Decimal

    @property
    def committed_rate(self) -> str:
        return percent(self.committed, self.planned)

    @property
    def spent_rate(self) -> str:
        return percent(self.spent, self.planned)

    @property
    def is_overdue(self) -> bool:
        return self.ended_late or bool(self.overdue_milestones)


@dataclass
class ObjectiveRow:
    objective: Objective
    number: str
    indicators: list[IndicatorRow]
    actions: list[ActionRow]

    @property
    def worst(self) -> str | None:
        """The most worrying status of its result indicators, None when none has one."""
        codes = {row.status_code for row in self.indicators if row.status_code}
        return next((code for code in STATUS_ORDER if code in codes), None)

    @property
    def shown(self) -> list[IndicatorRow]:
        """Its indicators in the order of the page: a context indicator that explains result
        indicators right after the last of them, the others where they stand."""
        beside = {id(context) for row in self.indicators for context in row.beside}
        order: list[IndicatorRow] = []
        for row in self.indicators:
            if id(row) in beside:
                continue
            order.append(row)
            order += [c for c in row.beside if _last_explained(c, self.indicators) is row]
        return order


@dataclass
class AxisRow:
    axis: Axis
    number: int
    objectives: list[ObjectiveRow]


@dataclass
class DecisionRow:
    decision: Decision
    overdue: bool


@dataclass
class Filters:
    """The GET parameters of the page: `axe`, `pilote`, `statut` (ids and a status code)."""

    axis: int | None = None
    lead: int | None = None
    status: str | None = None

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def number(key: str) -> int | None:
            return parse_id(query.get(key, ""))

        status = query.get("statut", "")
        return cls(number("axe"), number("pilote"), status if status in LABELS else None)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.axis, self.lead, self.status))

    def query(self) -> str:
        parts = [
            f"{key}={value}"
            for key, value in (("axe", self.axis), ("pilote", self.lead), ("statut", self.status))
            if value is not None
        ]
        return "?" + "&".join(parts) if parts else ""


@dataclass
class Dashboard:
    strategy: Strategy
    today: datetime.date
    filters: Filters
    axes: list[AxisRow]
    decisions: list[DecisionRow]
    # Choices of the filters, from the whole strategy (not the filtered part).
    all_axes: list[tuple[int, str]] = field(default_factory=list)
    leads: list[Organisation] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # status code -> result indicators

    @property
    def objectives(self) -> list[ObjectiveRow]:
        return [o for axis in self.axes for o in axis.objectives]

    @property
    def indicators(self) -> list[IndicatorRow]:
        return [i for o in self.objectives for i in o.indicators]

    @property
    def actions(self) -> list[ActionRow]:
        return [a for o in self.objectives for a in o.actions]

    @property
    def overdue_actions(self) -> list[ActionRow]:
        return [a for a in self.actions if a.is_overdue]

    @property
    def watched_objectives(self) -> list[ObjectiveRow]:
        """Objectives with an indicator off track or at risk, the former first."""
        rows = [o for o in self.objectives if o.worst in ("off_track", "at_risk")]
        return sorted(rows, key=lambda o: STATUS_ORDER.index(o.worst or "on_track"))

    @property
    def status_counts(self) -> list[tuple[str, str, str, int]]:
        return [(code, LABELS[code], BADGES[code], self.counts.get(code, 0)) for code in LABELS]

    @property
    def budget(self) -> dict[str, Any]:
        planned = sum((a.planned for a in self.actions), Decimal(0))
        committed = sum((a.committed for a in self.actions), Decimal(0))
        spent = sum((a.spent for a in self.actions), Decimal(0))
        return {
            "planned": planned,
            "committed": committed,
            "spent": spent,
            "committed_rate": percent(committed, planned),
            "spent_rate": percent(spent, planned),
        }

    def charts(self) -> dict[str, Any]:
        """Every chart's data by indicator, for one json_script (context indicators have a
        table of their values, no chart)."""
        return {str(row.use.pk): row.chart() for row in self.indicators if row.context is None}


def _last_explained(context: IndicatorRow, rows: list[IndicatorRow]) -> IndicatorRow | None:
    """The last of `rows` that `context` is shown beside."""
    return next((row for row in reversed(rows) if any(c is context for c in row.beside)), None)


def _figure(value: float | Decimal) -> str:
    """A baseline or a target: at most two decimals, no useless zeros."""
    return number(float(value), 2, trim=True)


def percent(part: Decimal, whole: Decimal) -> str:
    """Share of the planned amount, "—" when nothing is planned."""
    return share(part / whole if whole else None)


def _dated(day: datetime.date | None, value: Decimal | None, *, yearly: bool) -> list[Any] | None:
    if day is None or value is None:
        return None
    return [str(day.year) if yearly else day.isoformat(), float(value)]


def _tree(strategy_id: int) -> Strategy:
    """The strategy with what the dashboard shows, in seven queries whatever its size."""
    actions = Action.objects.select_related("lead").prefetch_related("milestones", "budget_lines")
    objectives = Objective.objects.prefetch_related(
        Prefetch(
            "indicators",
            ObjectiveIndicator.objects.select_related(
                "definition__observatory_indicator", "commune"
            ),
        ),
        Prefetch("actions", actions),
    )
    return (
        Strategy.objects.select_related("council__commune", "council__epci")
        .prefetch_related(
            Prefetch("axes", Axis.objects.prefetch_related(Prefetch("objectives", objectives)))
        )
        .get(pk=strategy_id)
    )


def _measurements(strategy_id: int, uses: list[ObjectiveIndicator]) -> dict[int, list[Point]]:
    """Reported values of the objectives' indicators (one query), validated or submitted."""
    periodicity = {use.pk: use.definition.periodicity for use in uses}
    rows = Measurement.objects.filter(
        objective_indicator__objective__axis__strategy_id=strategy_id,
        objective_indicator__definition__observatory_indicator__isnull=True,
        objective_indicator__definition__survey_question="",
        objective_indicator__definition__context_source="",
        status__in=[MeasurementStatus.VALIDATED, MeasurementStatus.SUBMITTED],
    ).values_list("objective_indicator_id", "period_start", "state", "value", "status")
    points: dict[int, list[Point]] = defaultdict(list)
    for use_id, start, state, value, status in rows:
        every = periodicity[use_id]
        points[use_id].append(
            Point(
                start=start,
                end=period_end(start, every),
                label=period_label(start, every),
                state=state,
                value=float(value) if value is not None else None,
                source=str(status),
            )
        )
    return points


def _observatory(uses: list[ObjectiveIndicator]) -> dict[int, list[Point]]:
    """Yearly SSMSI rates per 1,000 of the observatory-bound indicators (observatory_series:
    a few queries whatever their number), on their perimeter commune or the council's area."""
    return {
        pk: [
            Point(
                start=datetime.date(v.year, 1, 1),
                end=v.period_end,
                label=str(v.year),
                state=v.state,
                value=v.value,
                source="observatory",
            )
            for v in values
            if v.state == ValueState.SUPPRESSED
            or v.value is not None  # a count with no denominator
        ]
        for pk, values in observatory_series(uses).items()
    }


def _survey_points(series: dict[int, SurveySeries]) -> dict[int, list[Point]]:
    """Each published wave of the survey-fed indicators, in percent, at its collection's end; a
    share the survey does not show is a suppressed value with its reason."""
    return {
        pk: [
            Point(
                start=wave.on,
                end=wave.on,
                label=f"{wave.survey.title} (collecte close le {date(wave.on)})",
                state=ValueState.PUBLISHED if wave.value is not None else ValueState.SUPPRESSED,
                value=wave.value,
                source="survey",
                low=wave.low,
                high=wave.high,
                note=wave.share.reason,
            )
            for wave in one.waves
        ]
        for pk, one in series.items()
    }


def _context_points(series: dict[int, ContextSeries]) -> dict[int, list[Point]]:
    """Each stored period of a context indicator's single commune or employment zone, its text
    as its state says (a censored value "≤ 5 %", a value under secrecy "non diffusée")."""
    points: dict[int, list[Point]] = {}
    for pk, one in series.items():
        points[pk] = []
        for value in one.history:
            start, end = period_bounds(value.period)
            shown = history_text(one.source, value)
            points[pk].append(
                Point(
                    start=start,
                    end=end,
                    label=value.period,
                    state=value.state if value.value is not None else ValueState.SUPPRESSED,
                    value=value.value,
                    source="context",
                    note=value.note,
                    shown=shown,
                )
            )
    return points


# Why a result indicator has no status (IndicatorRow.note), read by the reports' sentences.
NO_TARGET_NOTE = "Pas de valeur de référence ou de cible chiffrée : pas de statut."
DEADLINE_BEFORE_BASELINE_NOTE = "L'échéance précède la date de référence : pas de statut."


def _indicator_row(
    use: ObjectiveIndicator,
    points: list[Point],
    strategy: Strategy,
    today: datetime.date,
    survey: SurveySeries | None = None,
    context: ContextSeries | None = None,
) -> IndicatorRow:
    definition = use.definition
    # As it stood at `today`: a report at 31 December leaves out the periods begun since.
    points = sorted((p for p in points if p.start <= today), key=lambda p: p.start)
    status, note = None, ""
    if definition.kind == IndicatorKind.CONTEXT:
        note = "Indicateur de contexte : il décrit le territoire et n'a pas de statut."
    elif not use.is_quantified:
        note = NO_TARGET_NOTE
    elif use.deadline <= use.baseline_on:  # type: ignore[operator]  # is_quantified (checked above) means baseline, target and deadline are all set
        note = DEADLINE_BEFORE_BASELINE_NOTE
    else:
        targeted = TargetedIndicator(
            baseline_value=float(use.baseline_value),  # type: ignore[arg-type]  # is_quantified (checked above) means baseline, target and deadline are all set
            baseline_date=use.baseline_on,  # type: ignore[arg-type]  # is_quantified (checked above) means baseline, target and deadline are all set
            target_value=float(use.target_value),  # type: ignore[arg-type]  # is_quantified (checked above) means baseline, target and deadline are all set
            deadline=use.deadline,  # type: ignore[arg-type]  # is_quantified (checked above) means baseline, target and deadline are all set
            direction=use.direction,  # type: ignore[arg-type]  # a CharField to the stubs; its choices (indicators.enums.Direction) are crimestats' Direction values
            observations=[(p.end, p.judged_value) for p in points],
        )
        status = indicator_status(
            targeted,
            today=today,
            method=strategy.status_method,  # type: ignore[arg-type]  # a CharField to the stubs; its choices (StatusMethod) are crimestats' Method values
            tolerance=strategy.status_tolerance / 100,
            period_months=MONTHS[Periodicity(definition.periodicity)],
            stale_periods=strategy.stale_periods,
        )
    name = definition.name + (f" — {use.commune.name}" if use.commune else "")
    return IndicatorRow(
        use=use,
        name=name,
        unit=(
            f"taux pour 1 000 ({definition.unit})"
            if definition.from_observatory
            else definition.unit
        ),
        kind=definition.kind,
        periodicity=definition.periodicity,
        from_observatory=definition.from_observatory,
        points=points,
        status=status,
        note=note,
        survey=survey,
        context=context,
    )


# What the public may see of a value: validated by the coordinator, the SSMSI's, or a survey
# wave whose results the council published.
PUBLISHED_SOURCES = frozenset({"validated", "observatory", "survey"})


def is_public(row: IndicatorRow) -> bool:
    """A result indicator the council marked public (context and activity ones never are)."""
    return row.use.public and row.kind == IndicatorKind.RESULT


def published_row(row: IndicatorRow, strategy: Strategy, today: datetime.date) -> IndicatorRow:
    """The row as the public sees it: its published values only, its status judged on them."""
    points = [point for point in row.points if point.source in PUBLISHED_SOURCES]
    return _indicator_row(row.use, points, strategy, today, row.survey, row.context)


def _action_row(action: Action, number: str, today: datetime.date) -> ActionRow:
    milestones = list(action.milestones.all())
    lines = list(action.budget_lines.all())
    done = [m for m in milestones if m.done_on is not None]
    overdue = [m for m in milestones if m.done_on is None and m.due_on < today]
    return ActionRow(
        action=action,
        number=number,
        milestones_total=len(milestones),
        milestones_done=len(done),
        milestones_upcoming=len(milestones) - len(done) - len(overdue),
        overdue_milestones=overdue,
        ended_late=(
            action.ends_on is not None
            and action.ends_on < today
            and action.status not in CLOSED_ACTIONS
        ),
        planned=sum((line.planned for line in lines), Decimal(0)),
        committed=sum((line.committed for line in lines), Decimal(0)),
        spent=sum((line.spent for line in lines), Decimal(0)),
    )


def open_decisions(council_id: int, today: datetime.date) -> list[DecisionRow]:
    """Open decisions of the council's plenary and restricted meetings (one query).

    A working group's decisions are confidential (art. L132-5 CSI): never read here.
    """
    decisions = (
        Decision.objects.filter(
            meeting__formation__council_id=council_id,
            meeting__formation__kind__in=FOLLOWED_FORMATIONS,
            status=DecisionStatus.OPEN,
            kind=DecisionKind.FOLLOW_UP,
        )
        .select_related("owner", "meeting__formation")
        .order_by("due_on", "pk")
    )
    return [DecisionRow(d, d.due_on is not None and d.due_on < today) for d in decisions]


def dashboard_data(
    strategy_id: int,
    *,
    today: datetime.date | None = None,
    filters: Filters | None = None,
) -> Dashboard:
    """The dashboard of a strategy at `today` (default: the local date), filtered. Values of
    periods begun after `today` are left out, so that a review at 31 December N shows year N.

    The same number of queries whatever the numbers of axes, objectives, indicators, values
    and actions. Filters: `axis` keeps one axis; `lead` keeps the fiches led by that
    organisation (and the objectives that have one) and the decisions it owns; `status` keeps
    the objectives with a result indicator in that status. Counts of statuses are those of the
    filtered part.
    """
    today = today or timezone.localdate()
    filters = filters or Filters()
    strategy = _tree(strategy_id)
    axes = list(strategy.axes.all())
    uses = [use for axis in axes for o in axis.objectives.all() for use in o.indicators.all()]
    reported = _measurements(strategy.pk, [u for u in uses if u.definition.is_reported])
    observed = _observatory(uses)
    surveyed = survey_series(uses)
    observed |= _survey_points(surveyed)
    contexts = context_series(uses, strategy.council)
    explains = explained(strategy.pk)
    observed |= _context_points(contexts)
    leads: dict[int, Organisation] = {}
    rows = []
    tree = numbered_tree(axes)
    for axis_node in tree:
        axis = axis_node.element
        objective_rows = []
        for objective_node in axis_node.children:
            objective, number = objective_node.element, objective_node.number
            actions = []
            for action_node in objective_node.children:
                action = action_node.element
                if action.lead is not None:
                    leads[action.lead.pk] = action.lead
                if filters.lead is None or action.lead_id == filters.lead:
                    actions.append(_action_row(action, action_node.number, today))
            indicators = [
                _indicator_row(
                    use,
                    observed.get(use.pk) or reported.get(use.pk, []),
                    strategy,
                    today,
                    surveyed.get(use.pk),
                    contexts.get(use.pk),
                )
                for use in objective.indicators.all()
            ]
            place_beside(indicators, explains)
            row = ObjectiveRow(objective, number, indicators, actions)
            if filters.lead is not None and not actions:
                continue
            if filters.status is not None and filters.status not in {
                i.status_code for i in indicators
            }:
                continue
            objective_rows.append(row)
        if filters.axis is not None and axis.pk != filters.axis:
            continue
        if objective_rows or not filters.active:
            rows.append(AxisRow(axis, axis_node.position, objective_rows))
    decisions = open_decisions(strategy.council_id, today)
    if filters.lead is not None:
        decisions = [d for d in decisions if d.decision.owner_id == filters.lead]
    dashboard = Dashboard(
        strategy=strategy,
        today=today,
        filters=filters,
        axes=rows,
        decisions=decisions,
        all_axes=[(n.element.pk, f"Axe {n.number} — {n.element.title}") for n in tree],
        leads=sorted(leads.values(), key=lambda org: org.name),
    )
    counts: dict[str, int] = defaultdict(int)
    for indicator in dashboard.indicators:
        if indicator.status_code:
            counts[indicator.status_code] += 1
    dashboard.counts = dict(counts)
    return dashboard


def explained(strategy_id: int) -> dict[int, list[int]]:
    """Context indicator pk -> the pks of the indicators of the strategy it explains (one
    query, whatever the strategy)."""
    links: dict[int, list[int]] = defaultdict(list)
    for source, target in ObjectiveIndicator.explains.through.objects.filter(
        from_objectiveindicator__objective__axis__strategy_id=strategy_id
    ).values_list("from_objectiveindicator_id", "to_objectiveindicator_id"):
        links[source].append(target)
    return links


def place_beside(rows: list[IndicatorRow], explains: dict[int, list[int]]) -> None:
    """Link each context row of an objective to the result rows it explains (both ways)."""
    by_pk = {row.use.pk: row for row in rows}
    for row in rows:
        if row.kind != IndicatorKind.CONTEXT:
            continue
        for pk in sorted(explains.get(row.use.pk, [])):
            result = by_pk.get(pk)
            if result is not None and result.kind == IndicatorKind.RESULT:
                result.beside.append(row)
                row.explains.append(result.name)


def agenda_text(dashboard: Dashboard) -> str:
    """A meeting's agenda drawn from the dashboard: the objectives off track or at risk, the
    overdue fiches action and the decisions awaited. The coordinator edits it before saving."""
    lines = [
        f"Ordre du jour proposé à partir du tableau de bord du {date(dashboard.today)} "
        f"({dashboard.strategy.title})",
        "",
        "1. Approbation du relevé de décisions de la séance précédente",
        "",
        "2. Objectifs en retard ou à surveiller",
    ]
    watched = dashboard.watched_objectives
    for objective in watched:
        lines.append(f"   - Objectif {objective.number} — {objective.objective.statement}")
        for indicator in objective.indicators:
            if indicator.status_code in ("off_track", "at_risk"):
                assert indicator.status is not None
                lines.append(
                    f"     {indicator.name} : {indicator.status.label} ({indicator.status.reason})"
                )
    if not watched:
        lines.append("   Aucun objectif en retard ni à surveiller.")
    lines += ["", "3. Fiches action en retard"]
    overdue = dashboard.overdue_actions
    for row in overdue:
        lead = f" (pilote : {row.action.lead})" if row.action.lead else ""
        lines.append(f"   - Fiche {row.number} — {row.action.title}{lead}")
        if row.ended_late and row.action.ends_on:  # ended_late implies a planned end
            lines.append(
                f"     fin prévue le {date(row.action.ends_on)}, "
                f"état « {row.action.get_status_display()} »"
            )
        for milestone in row.overdue_milestones:
            lines.append(f"     jalon « {milestone.title} » prévu le {date(milestone.due_on)}")
    if not overdue:
        lines.append("   Aucune fiche action en retard.")
    lines += ["", "4. Suivi des décisions"]
    for followed in dashboard.decisions:
        decision = followed.decision
        late = " — en retard" if followed.overdue else ""
        lines.append(
            f"   - {decision.text} ({decision.owner}, échéance "
            f"{date(decision.due_on) if decision.due_on else 'non fixée'}{late})"
        )
    if not dashboard.decisions:
        lines.append("   Aucune décision en attente.")
    lines += ["", "5. Questions diverses"]
    return "\n".join(lines)
