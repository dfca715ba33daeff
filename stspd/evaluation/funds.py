"""The use of public funds of a strategy: per action, funder and year, planned, committed and
spent; totals per funder, per axis and per year; consumption rates; cost per unit of activity.

Amounts are Decimal from the database to the export, never float. Everything is read in six
queries, whatever the number of actions.

Cost per unit of activity: what the action spent (all funders) in the years for which its
activity indicator has validated values, divided by the sum of those values. A year whose
validated value is not communicated (suppressed) is left out: its units are unknown. No
validated value, or a sum of 0: "non calculable", never a division by zero.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crimestats.french import number
from stspd.core.exports import append_row, csv_document
from stspd.observatory.models import State
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.enums import Funder
from stspd.strategy.models import Action, ActionIndicator, Axis, BudgetLine, Objective, Strategy
from stspd.strategy.numbering import numbered_tree

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, to one decimal; None when nothing is planned."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Totals:
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    def add(self, line: BudgetLine | Totals) -> None:
        self.planned += line.planned
        self.committed += line.committed
        self.spent += line.spent

    @property
    def committed_rate(self) -> Decimal | None:
        return rate(self.committed, self.planned)

    @property
    def spent_rate(self) -> Decimal | None:
        return rate(self.spent, self.planned)


@dataclass
class UnitCost:
    """Cost per unit of one activity indicator of an action."""

    name: str
    unit: str
    target: Decimal | None
    years: list[int]
    spent: Decimal
    units: Decimal
    cost: Decimal | None
    note: str
    values_by_year: dict[int, Decimal | None] = field(default_factory=dict)


@dataclass
class ActionFunds:
    action: Action
    axis: Axis
    objective: Objective
    number: str
    lines: list[BudgetLine]
    totals: Totals
    costs: list[UnitCost]

    def lines_of(self, funder: str) -> list[BudgetLine]:
        return [line for line in self.lines if line.funder == funder]


@dataclass
class Funds:
    strategy: Strategy
    actions: list[ActionFunds]
    by_funder: list[tuple[str, str, Totals]]
    by_axis: list[tuple[str, str, Totals]]
    by_year: list[tuple[int, Totals]]
    total: Totals

    @property
    def funders(self) -> list[tuple[str, str]]:
        return [(code, label) for code, label, _ in self.by_funder]


def unit_cost(
    use: ActionIndicator, measurements: list[Measurement], spent_by_year: dict[int, Decimal]
) -> UnitCost:
    values: dict[int, Decimal | None] = {}
    for m in measurements:
        if m.status != MeasurementStatus.VALIDATED:
            continue
        year = m.period_start.year
        if m.state == State.SUPPRESSED or m.value is None:
            values[year] = None  # a year with an unknown value is unknown as a whole
        elif year not in values or values[year] is not None:
            values[year] = (values.get(year) or ZERO) + m.value
    years = sorted(y for y, v in values.items() if v is not None)
    units = sum((values[y] or ZERO for y in years), ZERO)
    spent = sum((spent_by_year.get(y, ZERO) for y in years), ZERO)
    cost, note = None, ""
    if not years:
        note = "non calculable : aucune valeur validée"
    elif units == 0:
        note = "non calculable : aucune unité réalisée les années renseignées"
    else:
        cost = (spent / units).quantize(CENT, rounding=ROUND_HALF_UP)
    skipped = sorted(y for y, v in values.items() if v is None)
    if skipped and cost is not None:
        note = f"années sans valeur communiquée écartées : {', '.join(map(str, skipped))}"
    return UnitCost(
        name=use.definition.name,
        unit=use.definition.unit,
        target=use.target_value,
        years=years,
        spent=spent,
        units=units,
        cost=cost,
        note=note,
        values_by_year=dict(sorted(values.items())),
    )


def strategy_funds(
    strategy: Strategy, *, action_ids: list[int] | None = None, year: int | None = None
) -> Funds:
    """The funds of the strategy (or of some of its actions), in six queries; with `year`, the
    money of that year only (its budget lines, and its activity values for the unit costs)."""
    axes = list(Axis.objects.filter(strategy=strategy))
    objectives = list(Objective.objects.filter(axis__strategy=strategy))
    actions = Action.objects.filter(objective__axis__strategy=strategy).select_related("lead")
    all_actions = list(actions)
    lines_by_action: dict[int, list[BudgetLine]] = defaultdict(list)
    wanted = [a.pk for a in all_actions if action_ids is None or a.pk in action_ids]
    budget = BudgetLine.objects.filter(action_id__in=wanted)
    if year is not None:
        budget = budget.filter(year=year)
    for line in budget.order_by("year", "funder", "funder_name"):
        lines_by_action[line.action_id].append(line)
    uses_by_action: dict[int, list[ActionIndicator]] = defaultdict(list)
    uses = list(ActionIndicator.objects.filter(action_id__in=wanted).select_related("definition"))
    for use in uses:
        uses_by_action[use.action_id].append(use)
    values: dict[int, list[Measurement]] = defaultdict(list)
    measurements = Measurement.objects.filter(action_indicator__in=uses)
    if year is not None:
        measurements = measurements.filter(period_start__year=year)
    for m in measurements.order_by("period_start"):
        assert m.action_indicator_id is not None  # the filter asked for one of `uses`
        values[m.action_indicator_id].append(m)

    objectives_of: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        objectives_of[objective.axis_id].append(objective)
    actions_of: dict[int, list[Action]] = defaultdict(list)
    for action in all_actions:
        actions_of[action.objective_id].append(action)

    rows: list[ActionFunds] = []
    by_funder: dict[str, Totals] = defaultdict(Totals)
    by_year: dict[int, Totals] = defaultdict(Totals)
    by_axis = []
    total = Totals()
    for axis_node in numbered_tree(
        axes, lambda axis: objectives_of[axis.pk], lambda objective: actions_of[objective.pk]
    ):
        axis = axis_node.element
        axis_totals = Totals()
        for objective_node in axis_node.children:
            objective = objective_node.element
            for action_node in objective_node.children:
                action = action_node.element
                if action.pk not in wanted:
                    continue
                lines = lines_by_action[action.pk]
                totals = Totals()
                spent_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
                for line in lines:
                    totals.add(line)
                    by_funder[line.funder].add(line)
                    by_year[line.year].add(line)
                    spent_by_year[line.year] += line.spent
                axis_totals.add(totals)
                costs = [
                    unit_cost(use, values[use.pk], spent_by_year)
                    for use in uses_by_action[action.pk]
                ]
                rows.append(
                    ActionFunds(action, axis, objective, action_node.number, lines, totals, costs)
                )
        total.add(axis_totals)
        by_axis.append((axis_node.number, axis.title, axis_totals))
    labels = dict(Funder.choices)
    return Funds(
        strategy=strategy,
        actions=rows,
        by_funder=[
            (code, str(labels[code]), by_funder[code]) for code in labels if code in by_funder
        ],
        by_axis=by_axis,
        by_year=sorted(by_year.items()),
        total=total,
    )


# --------------------------------------------------------------------------------------------
# Exports per funder
# --------------------------------------------------------------------------------------------

WIDTHS = (6, 40, 8, 40, 30, 30, 20, 7, 12, 12, 12, 10, 10)
HEADER = [
    "Axe",
    "Objectif",
    "N° fiche",
    "Fiche action",
    "Pilote",
    "Financeur",
    "Précision",
    "Année",
    "Prévu (€)",
    "Engagé (€)",
    "Dépensé (€)",
    "Taux d'engagement (%)",
    "Taux de consommation (%)",
]


def funder_rows(funds: Funds, funder: str) -> list[list[Any]]:
    """One row per budget line of `funder`, then the total row; amounts as Decimal."""
    label = dict(Funder.choices)[funder]
    rows: list[list[Any]] = []
    total = Totals()
    for row in funds.actions:
        for line in row.lines_of(funder):
            total.add(line)
            rows.append(
                [
                    row.number.rsplit(".", 2)[0],
                    row.objective.statement,
                    row.number,
                    row.action.title,
                    row.action.lead.name if row.action.lead else "",
                    str(label),
                    line.funder_name,
                    line.year,
                    line.planned,
                    line.committed,
                    line.spent,
                    rate(line.committed, line.planned),
                    rate(line.spent, line.planned),
                ]
            )
    rows.append(
        [
            "Total",
            "",
            "",
            "",
            "",
            str(label),
            "",
            "",
            total.planned,
            total.committed,
            total.spent,
            total.committed_rate,
            total.spent_rate,
        ]
    )
    return rows


def _french(value: Any) -> str:
    """A spreadsheet cell: a decimal keeps its own decimals (cents, tenths), no grouping."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return number(value, max(0, -exponent) if isinstance(exponent, int) else 0, group=False)
    return "" if value is None else str(value)


def funder_csv(funds: Funds, funder: str) -> str:
    """`;`, decimal comma, UTF-8 with a byte-order mark: what a French spreadsheet opens."""
    rows = ([_french(value) for value in row] for row in funder_rows(funds, funder))
    return csv_document(HEADER, rows)


def funder_xlsx(funds: Funds, funder: str) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs; loaded when needed
    from openpyxl.styles import Font  # type: ignore[import-untyped]  # no stubs

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Financements"
    append_row(sheet, [f"{funds.strategy.title} — {dict(Funder.choices)[funder]}"])
    append_row(sheet, HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for values in funder_rows(funds, funder):
        append_row(sheet, values)
        for cell in sheet[sheet.max_row][8:11]:
            cell.number_format = "#,##0.00"
        for cell in sheet[sheet.max_row][11:13]:
            cell.number_format = "0.0"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJKLM", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
