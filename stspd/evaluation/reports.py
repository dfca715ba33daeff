"""The annual review and the final evaluation of a strategy (PDF and Word), and the evaluation
sheet of a funded action (PDF), as a funder such as the FIPD asks before renewing it.

A report assembles, per axis and objective: the dashboard's status of each result indicator
(`stspd.indicators.dashboard.dashboard_data`, at the end of the year reviewed), the change
since the baseline and the comparison with comparable communes (`judgements`), the appraisals
written by the coordinator, and the funds. The annual review takes the appraisals of its year;
the final evaluation the latest of each objective and action.

The annual review of year N counts the values and the money of N only: values dated up to the
end of N (none of N+1, whatever was entered since), the budget lines of N and the FIPD grants
of N's call. The final evaluation covers the whole period and says what changed since the last
published review. Every report opens with a one-page plain-language summary (`summary`), the
methods and the statistical detail come after it, in an annex.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from crimestats.french import date, euros, percent
from stspd.funding.summary import GrantRow, strategy_grants
from stspd.steering.dashboard import IndicatorRow, dashboard_data, is_public, published_row
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.models import (
    Action,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
    ObjectiveIndicator,
    Strategy,
)
from stspd.strategy.numbering import numbered_tree

from .funds import ZERO, ActionFunds, Funds, strategy_funds
from .judgements import (
    IndicatorJudgement,
    ObservatoryCache,
    council_members,
    judge_indicators,
    measurements_of,
)
from .models import Appraisal, PublishedReport
from .summary import (
    Activity,
    GrantTotals,
    Since,
    Summary,
    build_summary,
    change_phrase,
    comparison_phrase,
)


@dataclass
class ActionReport:
    number: str
    action: Action
    appraisal: Appraisal | None
    funds: ActionFunds | None


@dataclass
class ObjectiveReport:
    number: str
    objective: Objective
    statuses: list[IndicatorRow]
    judgements: list[IndicatorJudgement]
    appraisal: Appraisal | None
    actions: list[ActionReport] = field(default_factory=list)

    @property
    def plain(self) -> list[tuple[str, str, str]]:
        """Each judged indicator in words for the body (the statistics are in the annex):
        name, change, comparison with similar communes."""
        return [
            (
                j.name,
                change_phrase(j.change),
                comparison_phrase(j.counterfactual, j.use.direction),
            )
            for j in self.judgements
        ]


@dataclass
class AxisReport:
    number: int
    axis: Axis
    objectives: list[ObjectiveReport]


@dataclass
class Report:
    strategy: Strategy
    kind: str  # "annual" | "final"
    year: int | None
    title: str
    as_of: datetime.date
    axes: list[AxisReport]
    funds: Funds
    grants: list[GrantRow] = field(default_factory=list)
    activity: Activity = field(default_factory=Activity)
    since: Since | None = None  # the final evaluation's: since the last published review

    @property
    def objectives(self) -> list[ObjectiveReport]:
        return [o for axis in self.axes for o in axis.objectives]

    @property
    def unquantified(self) -> list[ObjectiveReport]:
        """The objectives the council chose not to quantify, with their justification."""
        return [o for o in self.objectives if o.objective.unquantified_reason.strip()]

    @property
    def grant_totals(self) -> GrantTotals:
        return GrantTotals(
            applications=len(self.grants),
            granted=sum((g.granted for g in self.grants), ZERO),
            paid=sum((g.paid for g in self.grants), ZERO),
        )

    @cached_property
    def summary(self) -> Summary:
        return build_summary(self)

    @property
    def period_start(self) -> datetime.date:
        if self.year is not None:
            return datetime.date(self.year, 1, 1)
        return self.strategy.starts_on

    @property
    def filename(self) -> str:
        return f"bilan-{self.year}" if self.kind == "annual" else "evaluation-finale"


def _latest(appraisals: list[Appraisal], year: int | None) -> Appraisal | None:
    if year is not None:
        return next((a for a in appraisals if a.year == year), None)
    return max(appraisals, key=lambda a: a.year, default=None)


def build_report(strategy: Strategy, year: int | None = None, *, public: bool = False) -> Report:
    """The annual review of `year`, or the final evaluation when `year` is None.

    `public`: the version published on the portal, whose result indicators are only those the
    council marked public (as on the portal's page); the rest is the report as written."""
    today = timezone.localdate()
    as_of = min(datetime.date(year, 12, 31), today) if year is not None else today
    dashboard = dashboard_data(strategy.pk, today=as_of)
    statuses = {row.objective.pk: row.indicators for row in dashboard.objectives}
    uses = list(
        ObjectiveIndicator.objects.filter(objective__axis__strategy=strategy).select_related(
            "definition__observatory_indicator", "commune", "intervention_start"
        )
    )
    if public:
        # As the portal: public result indicators, on their published values only.
        statuses = {
            key: [published_row(row, dashboard.strategy, as_of) for row in rows if is_public(row)]
            for key, rows in statuses.items()
        }
        shown = {row.use.pk for rows in statuses.values() for row in rows}
        uses = [use for use in uses if use.pk in shown]
    uses_of: dict[int, list[ObjectiveIndicator]] = defaultdict(list)
    for use in uses:
        uses_of[use.objective_id].append(use)
    members = council_members(strategy)
    # A review of year N judges the values of periods begun by its end, not later ones.
    measurements = {
        use_id: [m for m in rows if m.period_start <= as_of]
        for use_id, rows in measurements_of(uses).items()
    }
    cache = ObservatoryCache()
    # The annual review's money is that of its year; the final evaluation's, the period's.
    funds = strategy_funds(strategy, year=year)
    funds_of = {row.action.pk: row for row in funds.actions}
    objective_appraisals: dict[int, list[Appraisal]] = defaultdict(list)
    action_appraisals: dict[int, list[Appraisal]] = defaultdict(list)
    for appraisal in Appraisal.objects.validated().filter(objective__axis__strategy=strategy):
        assert appraisal.objective_id is not None  # the filter went through its objective
        objective_appraisals[appraisal.objective_id].append(appraisal)
    for appraisal in Appraisal.objects.validated().filter(
        action__objective__axis__strategy=strategy
    ):
        assert appraisal.action_id is not None  # the filter went through its action
        action_appraisals[appraisal.action_id].append(appraisal)
    actions_of: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.filter(objective__axis__strategy=strategy).select_related("lead"):
        actions_of[action.objective_id].append(action)
    objectives_of: dict[int, list[Objective]] = defaultdict(list)
    for objective in Objective.objects.filter(axis__strategy=strategy):
        objectives_of[objective.axis_id].append(objective)

    axes = []
    for axis_node in numbered_tree(
        Axis.objects.filter(strategy=strategy),
        lambda axis: objectives_of[axis.pk],
        lambda objective: actions_of[objective.pk],
    ):
        rows = []
        for objective_node in axis_node.children:
            objective, number = objective_node.element, objective_node.number
            rows.append(
                ObjectiveReport(
                    number=number,
                    objective=objective,
                    statuses=statuses.get(objective.pk, []),
                    judgements=judge_indicators(
                        strategy, uses_of[objective.pk], members, measurements, cache, until=as_of
                    ),
                    appraisal=_latest(objective_appraisals[objective.pk], year),
                    actions=[
                        ActionReport(
                            node.number,
                            node.element,
                            _latest(action_appraisals[node.element.pk], year),
                            funds_of.get(node.element.pk),
                        )
                        for node in objective_node.children
                    ],
                )
            )
        axes.append(AxisReport(axis_node.position, axis_node.element, rows))
    title = (
        f"Bilan annuel {year}" if year is not None else "Rapport d'évaluation finale"
    ) + f" — {strategy.title}"
    if public:
        title += " (version publique)"
    report = Report(strategy, "annual" if year else "final", year, title, as_of, axes, funds)
    # The situation on the report's date: a payment or a report of the next year is not in it.
    report.grants = [
        row
        for row in strategy_grants(strategy, as_of, as_of=as_of)
        if year is None or row.year == year
    ]
    # The portal's version counts the values of the indicators it shows only.
    shown_uses = {use.pk for use in uses} if public else None
    report.activity = _activity(report, shown_uses)
    if public:  # the portal's version counts validated values only, as it shows them
        report.activity.values_submitted = 0
    if year is None:
        report.since = _since(report, public=public, shown_uses=shown_uses)
    return report


def _values(strategy: Strategy, shown_uses: set[int] | None) -> models.QuerySet[Measurement]:
    """The values of the strategy's indicators, or of `shown_uses` (objective indicators' ids)
    only when given (the public version, which shows public result indicators only)."""
    if shown_uses is not None:
        return Measurement.objects.filter(objective_indicator_id__in=shown_uses)
    return Measurement.objects.filter(
        Q(objective_indicator__objective__axis__strategy=strategy)
        | Q(action_indicator__action__objective__axis__strategy=strategy)
    )


def _activity(report: Report, shown_uses: set[int] | None = None) -> Activity:
    """What was done between the start of the report's period and its date (four queries)."""
    strategy, start, end = report.strategy, report.period_start, report.as_of
    milestones = Milestone.objects.filter(action__objective__axis__strategy=strategy)
    values = _values(strategy, shown_uses).filter(period_start__gte=start, period_start__lte=end)
    statuses = dict(
        values.values_list("status").annotate(n=models.Count("pk")).values_list("status", "n")
    )
    actions = [a for o in report.objectives for a in o.actions]
    return Activity(
        milestones_due=milestones.filter(due_on__gte=start, due_on__lte=end).count(),
        milestones_done=milestones.filter(
            due_on__gte=start, due_on__lte=end, done_on__isnull=False, done_on__lte=end
        ).count(),
        values_validated=statuses.get(MeasurementStatus.VALIDATED, 0),
        values_submitted=statuses.get(MeasurementStatus.SUBMITTED, 0),
        implementation=Counter(a.appraisal.implementation for a in actions if a.appraisal),
        actions=len(actions),
        action_status=Counter(a.action.status for a in actions),
    )


def _since(report: Report, *, public: bool, shown_uses: set[int] | None = None) -> Since | None:
    """What changed since the last published annual review: statuses then and now, values
    validated since, money spent in the years after it."""
    strategy = report.strategy
    last = PublishedReport.objects.filter(strategy=strategy).order_by("-year").first()
    if last is None:
        return None
    then_day = datetime.date(last.year, 12, 31)
    then = dashboard_data(strategy.pk, today=then_day)
    before: dict[int, str] = {}
    for row in then.indicators:
        if public and not is_public(row):
            continue
        shown = published_row(row, then.strategy, then_day) if public else row
        before[row.use.pk] = shown.status.label if shown.status else "sans statut"
    changes = []
    for objective in report.objectives:
        for row in objective.statuses:
            if row.kind != "result":
                continue
            now = row.status.label if row.status else "sans statut"
            if before.get(row.use.pk, "sans statut") != now:
                changes.append((row.name, before.get(row.use.pk, "sans statut"), now))
    new_values = (
        _values(strategy, shown_uses)
        .filter(
            status=MeasurementStatus.VALIDATED,
            period_start__gt=then_day,
            period_start__lte=report.as_of,
        )
        .count()
    )
    spent = BudgetLine.objects.filter(
        action__objective__axis__strategy=strategy, year__gt=last.year
    ).aggregate(total=models.Sum("spent"))["total"]
    return Since(
        year=last.year,
        published_on=timezone.localdate(last.published_at),
        status_changes=changes,
        new_values=new_values,
        spent=spent or ZERO,
    )


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]  # WeasyPrint has no type hints


def report_pdf(report: Report) -> bytes:
    from .charts import counterfactual_svg

    charts = {
        j.use.pk: counterfactual_svg(j.counterfactual)
        for o in report.objectives
        for j in o.judgements
        if j.counterfactual is not None and j.counterfactual.synthetic
    }
    return _pdf(
        "evaluation/report_pdf.html",
        {"report": report, "charts": charts, "today": timezone.localdate()},
    )


def action_sheet_pdf(action: Action, number: str) -> bytes:
    strategy = action.objective.axis.strategy
    funds = strategy_funds(strategy, action_ids=[action.pk])
    row = funds.actions[0]
    by_funder = []
    for code, label, totals in funds.by_funder:
        by_funder.append((label, row.lines_of(code), totals))
    appraisals = list(action.appraisals.validated().order_by("-year"))
    return _pdf(
        "evaluation/action_sheet_pdf.html",
        {
            "action": action,
            "number": number,
            "strategy": strategy,
            "row": row,
            "funds": funds,
            "by_funder": by_funder,
            "partners": list(action.partners.select_related("organisation")),
            "appraisal": appraisals[0] if appraisals else None,
            "appraisals": appraisals,
            "today": timezone.localdate(),
        },
    )


# --------------------------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------------------------


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def _appraisal(document: Any, appraisal: Appraisal | None, year: int | None) -> None:
    if appraisal is None:
        when = f"pour {year}" if year else "à ce jour"
        document.add_paragraph(f"Aucune appréciation qualitative {when}.")
        return
    for label, text in (
        ("Mise en œuvre comme prévu", appraisal.get_implementation_display()),
        ("Effets observés", appraisal.effects or "—"),
        ("Effets inattendus", appraisal.unexpected_effects or "—"),
        ("Avis des partenaires", appraisal.partners_views or "—"),
        (
            "Recommandation",
            f"{appraisal.get_recommendation_display()} — {appraisal.reasons}",
        ),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label} ({appraisal.year}) : ").bold = True
        paragraph.add_run(str(text))


METHODS = (
    "Statut des indicateurs : méthode du tableau de bord de la stratégie. Évolution des "
    "indicateurs de l'observatoire : test exact de deux comptes de Poisson entre l'année de "
    "référence et la dernière année publiée. Comparaison avec les communes comparables : "
    "différence de différences de Poisson (20 communes les plus proches du département) et "
    "contrôle synthétique (200 communes les plus proches du département, hors communes du "
    "conseil) avec test placebo. Les valeurs non diffusées ne sont jamais lues comme zéro ; une "
    "valeur connue seulement en borne basse est écrite « au moins »."
)


def _summary_docx(document: Any, report: Report) -> None:
    summary = report.summary
    document.add_heading(summary.heading, level=1)
    document.add_paragraph(summary.scope).runs[0].italic = True
    sections: list[tuple[str, list[str], bool]] = [
        (
            "Ce qui était prévu",
            summary.planned + ([summary.unquantified] if summary.unquantified else []),
            False,
        ),
        ("Ce qui a été fait", summary.done, True),
        (
            "Ce qui a changé",
            summary.changed
            + summary.indicators
            + ([summary.more] if summary.more else [])
            + summary.since,
            False,
        ),
        ("Ce que cela a coûté", summary.cost, False),
    ]
    for heading, lines, bullets in sections:
        document.add_heading(heading, level=2)
        for line in lines:
            document.add_paragraph(line, style="List Bullet" if bullets else None)
    document.add_paragraph(
        "Le détail par objectif suit ; les méthodes statistiques et les intervalles sont en annexe."
    )


def _funds_table(document: Any, rows: list[tuple[str, Any]]) -> None:
    _table(
        document,
        ["", "Prévu", "Engagé", "Dépensé", "Consommation"],
        [
            [
                label,
                euros(t.planned),
                euros(t.committed),
                euros(t.spent),
                percent(t.spent_rate, 1),
            ]
            for label, t in rows
        ],
    )


def _annex_docx(document: Any, report: Report) -> None:
    document.add_page_break()
    document.add_heading("Annexe — Méthodes et intervalles", level=1)
    document.add_paragraph(METHODS)
    for objective in report.objectives:
        for judgement in objective.judgements:
            document.add_heading(f"Objectif {objective.number} — {judgement.name}", level=3)
            document.add_paragraph(f"Évolution : {judgement.change.sentence}.")
            if judgement.change.detectable:
                document.add_paragraph(
                    judgement.change.detectable[0].upper()
                    + judgement.change.detectable[1:]
                    + " (4 chances sur 5, seuil de 5 %)."
                )
            if judgement.change.perimeter:
                document.add_paragraph(judgement.change.perimeter)
            cf = judgement.counterfactual
            if cf is None:
                document.add_paragraph(judgement.counterfactual_note)
            elif cf.reason:
                document.add_paragraph(f"Comparaison non réalisée : {cf.reason}.")
            else:
                if cf.conclusion:
                    document.add_paragraph().add_run(f"Conclusion : {cf.conclusion}").bold = True
                document.add_paragraph(
                    "Différence de différences : " + (cf.did_sentence or cf.did_reason) + "."
                )
                document.add_paragraph(
                    "Contrôle synthétique : " + (cf.sc_sentence or cf.sc_reason) + "."
                )
                if cf.donors:
                    document.add_paragraph(
                        "Principales communes du contrôle synthétique : "
                        + ", ".join(f"{n} ({w:.0%})" for n, w in cf.donors[:5])
                    )


def report_docx(report: Report) -> bytes:
    from docx import Document  # loaded only when a Word file is asked for
    from docx.shared import Pt

    document: Any = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10)
    document.core_properties.title = report.title
    document.core_properties.author = report.strategy.council.name
    document.core_properties.language = "fr-FR"
    document.add_paragraph(report.strategy.council.name)
    document.add_heading(report.title, level=0)
    document.add_paragraph(
        f"Période de la stratégie du {date(report.strategy.starts_on)} au "
        f"{date(report.strategy.ends_on)}. Produit le {date(timezone.localdate())} par stspd."
    )
    _summary_docx(document, report)
    document.add_page_break()
    if report.unquantified:
        document.add_heading("Objectifs sans cible chiffrée et leur justification", level=1)
        for objective in report.unquantified:
            paragraph = document.add_paragraph()
            paragraph.add_run(
                f"Objectif {objective.number} — {objective.objective.statement} : "
            ).bold = True
            paragraph.add_run(objective.objective.unquantified_reason)
    when = f"de {report.year}" if report.year else "de la période"
    document.add_heading(f"Financements {when}", level=1)
    _funds_table(
        document,
        [(label, t) for _, label, t in report.funds.by_funder] + [("Total", report.funds.total)],
    )
    if report.year is None:
        _funds_table(document, [(str(y), t) for y, t in report.funds.by_year])
    if report.grants:
        _table(
            document,
            ["Subvention FIPD", "Appel", "Accordé", "Versé", "Compte rendu"],
            [
                [g.application.title, str(g.year), euros(g.granted), euros(g.paid), g.report_state]
                for g in report.grants
            ],
        )
    for axis in report.axes:
        document.add_heading(f"Axe {axis.number} — {axis.axis.title}", level=1)
        for objective in axis.objectives:
            document.add_heading(
                f"Objectif {objective.number} — {objective.objective.statement}", level=2
            )
            if objective.objective.unquantified_reason.strip():
                document.add_paragraph(
                    f"Objectif sans cible chiffrée : {objective.objective.unquantified_reason}"
                )
            if objective.statuses:
                _table(
                    document,
                    ["Indicateur", "Statut", "Motif"],
                    [
                        [
                            row.name,
                            row.status.label if row.status else "sans statut",
                            row.status.reason if row.status else row.note,
                        ]
                        for row in objective.statuses
                    ],
                )
            for name, change, comparison in objective.plain:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{name} : ").bold = True
                paragraph.add_run(change + (f" ; {comparison}" if comparison else "") + ".")
            document.add_heading("Appréciation qualitative", level=3)
            _appraisal(document, objective.appraisal, report.year)
            if objective.actions:
                document.add_heading("Fiches action", level=3)
                _table(
                    document,
                    ["N°", "Action", "Pilote", "Dépensé / prévu", "Recommandation"],
                    [
                        [
                            a.number,
                            a.action.title,
                            a.action.lead.name if a.action.lead else "—",
                            (
                                f"{euros(a.funds.totals.spent)} / {euros(a.funds.totals.planned)}"
                                if a.funds
                                else "—"
                            ),
                            (
                                f"{a.appraisal.get_recommendation_display()} : "
                                f"{a.appraisal.reasons}"
                                if a.appraisal
                                else "non appréciée"
                            ),
                        ]
                        for a in objective.actions
                    ],
                )
    _annex_docx(document, report)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
