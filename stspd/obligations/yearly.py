"""The council's yearly activity return: its figures, as a PDF and a spreadsheet.

The figures are counts of the database (meetings held, working groups, actions, budget lines)
and two numbers the coordinator states when sending it (time spent on the coordination, the
number of situations the working groups examined): never a working group's content, its
members or its minutes. Once sent, the return is frozen (`YearlyReturn.figures`).
"""

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.template.loader import render_to_string

from stspd.core.exports import append_row
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Formation, Meeting
from stspd.strategy.enums import ActionStatus, Funder
from stspd.strategy.models import Action, BudgetLine, Strategy

from .check import check, is_dormant
from .models import ActionAxisTag
from .national import framework_on

MONEY = ("planned", "committed", "spent")


def year_end(year: int, today: datetime.date) -> datetime.date:
    """The day the year's obligations are judged: 31 December, or today for the current year."""
    return min(datetime.date(year, 12, 31), today)


def year_strategy(council: Council, year: int) -> Strategy | None:
    """The council's strategy whose period covers part of the year (the latest started)."""
    return (
        Strategy.objects.filter(
            council=council,
            starts_on__lte=datetime.date(year, 12, 31),
            ends_on__gte=datetime.date(year, 1, 1),
        )
        .order_by("-starts_on")
        .first()
    )


def figures(
    council: Council,
    year: int,
    *,
    coordination_fte: Decimal | None,
    situations_examined: int | None,
    today: datetime.date,
) -> dict[str, Any]:
    """Every figure of the return, as JSON values (amounts as decimal strings). The two numbers
    the coordinator states are None in a draft (not yet sent)."""
    meetings = Meeting.objects.filter(formation__council=council, starts_at__year=year).filter(
        starts_at__date__lte=today
    )
    groups = Formation.objects.filter(council=council, kind=FormationKind.WORKING_GROUP)
    strategy = year_strategy(council, year)
    actions = Action.objects.filter(objective__axis__strategy=strategy) if strategy else None
    funding = []
    if strategy is not None:
        lines = (
            BudgetLine.objects.filter(action__objective__axis__strategy=strategy, year=year)
            .values("funder")
            .annotate(
                planned_sum=Sum("planned"), committed_sum=Sum("committed"), spent_sum=Sum("spent")
            )
            .order_by("funder")
        )
        labels = dict(Funder.choices)
        funding = [
            {"funder": labels[line["funder"]]} | {name: str(line[f"{name}_sum"]) for name in MONEY}  # type: ignore[literal-required]  # the three sums annotated above
            for line in lines
        ]
    national = framework_on(datetime.date(year, 12, 31))
    tagged = Counter(
        ActionAxisTag.objects.filter(
            action__in=actions if actions is not None else Action.objects.none(),
            framework=national.code,
        ).values_list("axis", flat=True)
    )
    by_status = Counter(actions.values_list("status", flat=True)) if actions is not None else {}
    end = year_end(year, today)
    return {
        "council": council.name,
        "kind": council.get_kind_display(),
        "territory": str(council.territory),
        "year": year,
        "judged_on": end.isoformat(),
        "dormant": is_dormant(council, end),
        "plenary_meetings": meetings.filter(formation__kind=FormationKind.PLENARY).count(),
        "restricted_meetings": meetings.filter(formation__kind=FormationKind.RESTRICTED).count(),
        "working_groups": groups.count(),
        "working_group_meetings": meetings.filter(
            formation__kind=FormationKind.WORKING_GROUP
        ).count(),
        "situations_examined": situations_examined,
        "coordinator": str(council.coordinator) if council.coordinator else "",
        "coordination_fte": None if coordination_fte is None else str(coordination_fte),
        "strategy": (
            {
                "title": strategy.title,
                "status": strategy.get_status_display(),
                "starts_on": strategy.starts_on.isoformat(),
                "ends_on": strategy.ends_on.isoformat(),
            }
            if strategy
            else None
        ),
        "actions": actions.count() if actions is not None else 0,
        "actions_by_status": [
            {"status": label, "count": by_status.get(code, 0)}
            for code, label in ActionStatus.choices
        ],
        "funding": funding,
        "national_axes": {
            "framework": national.title,
            "status": national.status_label,
            "axes": [
                {"label": f"Axe {axis.code} — {axis.label}", "actions": tagged.get(axis.code, 0)}
                for axis in national.axes
            ],
        },
        "obligations": [
            {
                "label": finding.rule.label,
                "verdict": finding.verdict.label,
                "reason": finding.reason,
            }
            for finding in check(council, end)
        ],
    }


def obligations_met(data: dict[str, Any]) -> int:
    return sum(1 for row in data["obligations"] if row["verdict"] == "Respectée")


def pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string("obligations/yearly_return_pdf.html", {"data": data})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]  # WeasyPrint has no type hints


def xlsx(data: dict[str, Any]) -> bytes:
    """One sheet: label, value; then the actions, the funding and the obligations."""
    import io

    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs; loaded when needed

    book = Workbook()
    sheet = book.active
    sheet.title = f"Rapport {data['year']}"
    title = f"Rapport annuel d'activité {data['year']} — {data['council']}"
    if data.get("draft"):
        title += " (projet, non transmis)"
    append_row(sheet, [title])
    append_row(sheet, ["Rubrique", "Valeur"])
    strategy = data["strategy"] or {}
    for label, value in [
        ("Conseil", data["council"]),
        ("Type de conseil", data["kind"]),
        ("Territoire", data["territory"]),
        ("Activité", "en sommeil" if data["dormant"] else "actif"),
        ("Séances plénières tenues", data["plenary_meetings"]),
        ("Séances restreintes tenues", data["restricted_meetings"]),
        ("Groupes de travail", data["working_groups"]),
        ("Séances des groupes de travail", data["working_group_meetings"]),
        ("Situations individuelles examinées (nombre)", _stated(data["situations_examined"])),
        ("Coordination", data["coordinator"] or "non désignée"),
        ("Temps consacré à la coordination (ETP)", _stated(data["coordination_fte"], Decimal)),
        ("Stratégie", strategy.get("title", "aucune")),
        ("État de la stratégie", strategy.get("status", "")),
        ("Début de la stratégie", _day(strategy.get("starts_on"))),
        ("Fin de la stratégie", _day(strategy.get("ends_on"))),
        ("Fiches action", data["actions"]),
    ]:
        append_row(sheet, [label, value])
    append_row(sheet, [])
    append_row(sheet, ["État des fiches action", "Nombre"])
    for row in data["actions_by_status"]:
        append_row(sheet, [row["status"], row["count"]])
    append_row(sheet, [])
    append_row(sheet, ["Financeur", "Prévu (€)", "Engagé (€)", "Dépensé (€)"])
    for row in data["funding"]:
        append_row(sheet, [row["funder"], *(Decimal(row[name]) for name in MONEY)])
    append_row(sheet, [])
    axes = data["national_axes"]
    append_row(sheet, [f"{axes['framework']} (axes {axes['status']})", "Fiches action"])
    for row in axes["axes"]:
        append_row(sheet, [row["label"], row["actions"]])
    append_row(sheet, [])
    append_row(sheet, ["Obligation", "État", "Motif"])
    for row in data["obligations"]:
        append_row(sheet, [row["label"], row["verdict"], row["reason"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _stated(value: object, kind: type = int) -> object:
    """A number the coordinator states when sending; a draft says it is still to be given."""
    return "à renseigner à l'envoi" if value is None else kind(value)
