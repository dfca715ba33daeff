"""The funding cycle's documents: the application (PDF and spreadsheet following the sections
of the Cerfa 12156) and the council's opinions on a call's applications (PDF and spreadsheet)
sent to the préfecture. Every spreadsheet cell goes through `stspd.core.exports`."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from stspd.core.exports import append_row

from .models import Application, Call
from .workflow import BudgetSummary, budget_of

MONEY_FORMAT = "#,##0.00"


def _workbook() -> Any:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs; loaded when needed

    return Workbook()


def _bold(row: Any) -> None:
    from openpyxl.styles import Font  # type: ignore[import-untyped]  # no stubs

    for cell in row:
        cell.font = Font(bold=True)


def _money_cells(sheet: Any, columns: str) -> None:
    for column in columns:
        for cell in sheet[column]:
            if isinstance(cell.value, int | float | Decimal):
                cell.number_format = MONEY_FORMAT


def _save(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def application_context(application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "call": application.call,
        "action": application.action,
        "council": application.action.objective.axis.strategy.council,
        "programme_label": application.programme.label_in(application.call.year),
        "budget": budget_of(application),
        "co_fundings": list(application.co_fundings.select_related("funder")),
        "today": timezone.localdate(),
    }


def application_pdf(application: Application) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string("funding/application_pdf.html", application_context(application))
    return bytes(HTML(string=html).write_pdf())


def application_xlsx(application: Application) -> bytes:
    """Sheets named after the Cerfa 12156's sections: the project sheet (section 6) and the
    project's provisional budget (charges and income by account class, the FIPD itemised in
    account 74), then the co-funders."""
    context = application_context(application)
    budget: BudgetSummary = context["budget"]
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = "6 - Projet"
    append_row(sheet, ["Demande de subvention (Cerfa n° 12156) — fiche projet"])
    _bold(sheet[1])
    rows: list[tuple[str, Any]] = [
        ("Appel à projets", application.call.title),
        ("Porteur (pilote de la fiche action)", str(application.action.lead or "")),
        ("Conseil", str(context["council"])),
        ("Programme", context["programme_label"]),
        ("Priorité", application.priority.label if application.priority else ""),
        ("Intitulé du projet", application.title),
        ("Objectifs", application.objectives),
        ("Public bénéficiaire", application.public),
        ("Territoire", application.territory),
        ("Calendrier", application.calendar),
        ("Indicateurs d'évaluation", application.indicators),
    ]
    for label, value in rows:
        append_row(sheet, [label, value])
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 90

    sheet = workbook.create_sheet("6 - Budget du projet")
    append_row(sheet, ["Budget prévisionnel du projet", "", "Montant (€)"])
    _bold(sheet[1])
    append_row(sheet, ["Charges"])
    _bold(sheet[sheet.max_row])
    for account, label, amount in budget.charge_rows:
        append_row(sheet, [account, label, amount])
    append_row(sheet, ["", "Total des charges", budget.charges])
    _bold(sheet[sheet.max_row])
    append_row(sheet, ["Produits"])
    _bold(sheet[sheet.max_row])
    for account, label, amount in budget.income_rows:
        append_row(sheet, [account, label, amount])
        if account == "74":
            append_row(
                sheet, ["74", f"dont État — FIPD ({context['programme_label']})", budget.fipd]
            )
            for line in context["co_fundings"]:
                append_row(sheet, ["74", f"dont {line.funder}", line.requested])
    append_row(sheet, ["", "Total des produits", budget.income])
    _bold(sheet[sheet.max_row])
    append_row(sheet, ["", "Part FIPD dans le coût de l'action (%)", budget.fipd_share])
    append_row(sheet, ["", "Plafond de l'appel (%)", budget.cap_percent])
    _money_cells(sheet, "C")
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 16

    sheet = workbook.create_sheet("Cofinancements")
    append_row(sheet, ["Financeur", "Demandé (€)", "Accordé (€)", "État"])
    _bold(sheet[1])
    for line in context["co_fundings"]:
        append_row(
            sheet, [str(line.funder), line.requested, line.granted, line.get_state_display()]
        )
    _money_cells(sheet, "BC")
    sheet.column_dimensions["A"].width = 50
    return _save(workbook)


def opinion_rows(call: Call, applications: list[Application]) -> list[list[Any]]:
    rows = []
    for application in applications:
        opinion = getattr(application, "opinion", None)
        budget = budget_of(application)
        rows.append(
            [
                application.title,
                str(application.action.lead or ""),
                application.programme.label_in(call.year),
                budget.charges,
                application.fipd_requested,
                budget.fipd_share,
                opinion.get_kind_display() if opinion else "Pas d'avis",
                opinion.reason if opinion else "",
                (
                    f"{opinion.decision.meeting.formation} du "
                    f"{timezone.localtime(opinion.decision.meeting.starts_at):%d/%m/%Y}"
                    if opinion
                    else ""
                ),
            ]
        )
    return rows


OPINION_HEADER = [
    "Projet",
    "Porteur",
    "Programme",
    "Coût total (€)",
    "FIPD demandé (€)",
    "Part FIPD (%)",
    "Avis du conseil",
    "Motif",
    "Séance",
]


def opinions_xlsx(call: Call, council: Any, applications: list[Application]) -> bytes:
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = "Avis du conseil"
    append_row(sheet, [str(council), f"Avis sur les demandes de l'appel « {call.title} »"])
    _bold(sheet[1])
    append_row(sheet, OPINION_HEADER)
    _bold(sheet[2])
    for row in opinion_rows(call, applications):
        append_row(sheet, row)
    _money_cells(sheet, "DE")
    for column, width in zip("ABCDEFGHI", (50, 35, 40, 14, 14, 10, 14, 50, 30), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(workbook)


def opinions_pdf(call: Call, council: Any, applications: list[Application]) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    html = render_to_string(
        "funding/opinions_pdf.html",
        {
            "call": call,
            "council": council,
            "header": OPINION_HEADER,
            "rows": opinion_rows(call, applications),
            "today": timezone.localdate(),
        },
    )
    return bytes(HTML(string=html).write_pdf())
