"""The strategy as a Word document (python-docx) that partners can edit: the PDF's structure
with Word headings (so the navigation pane and a table of contents work), real tables, and one
section per fiche action (each starts on a new page)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone

from .content import Source, prepare


def _table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def _date(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value else "…"


def render_docx(source: Source) -> bytes:
    from docx import Document  # loaded only when a Word file is asked for
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    doc = prepare(source)
    document: Any = Document()  # python-docx leaves some methods untyped
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10)
    document.core_properties.title = doc["title"]
    document.core_properties.author = doc["council"]["name"]
    document.core_properties.language = "fr-FR"

    document.add_paragraph(doc["council"]["name"])
    document.add_heading(doc["title"], level=0)
    document.add_paragraph("Stratégie territoriale de sécurité et de prévention de la délinquance")
    _table(
        document,
        ["", ""],
        [
            ["Période", f"du {_date(doc['starts'])} au {_date(doc['ends'])}"],
            ["Version", doc["version_label"]],
            ["État", doc["state_text"]],
            ["Produit le", f"{timezone.localdate():%d/%m/%Y} par stspd"],
        ],
    )

    document.add_page_break()
    document.add_heading("Diagnostic local de sécurité", level=1)
    if doc["diagnostic"]:
        document.add_paragraph(doc["diagnostic"]["title"])
        for section in doc["sections"]:
            document.add_heading(section.title, level=2)
            if section.text:
                document.add_paragraph(section.text)
            if section.indicator_label:
                document.add_paragraph(
                    f"Chiffres de l'observatoire : {section.indicator_label} (graphique et "
                    "tableau dans la version PDF et la page web du document)."
                )
    else:
        document.add_paragraph("Le conseil n'a pas encore de diagnostic.")

    document.add_page_break()
    document.add_heading("Axes, objectifs et actions", level=1)
    for axis in doc["axes"]:
        document.add_heading(f"Axe {axis['number']} — {axis['title']}", level=2)
        if axis["description"]:
            document.add_paragraph(axis["description"])
        for objective in axis["objectives"]:
            document.add_heading(
                f"Objectif {objective['number']} — {objective['statement']}", level=3
            )
            if objective["indicators"]:
                _table(
                    document,
                    ["Indicateur", "Référence", "Cible", "Sens souhaité"],
                    [
                        [
                            f"{u['indicator']['name']} ({u['indicator']['unit']})",
                            (u["baseline_text"] or "—")
                            + (f" au {_date(u['baseline'])}" if u["baseline"] else ""),
                            (u["target_text"] or "—")
                            + (f" au {_date(u['due'])}" if u["due"] else ""),
                            u["direction_label"] or "—",
                        ]
                        for u in objective["indicators"]
                    ],
                )
            elif objective["unquantified_reason"]:
                document.add_paragraph(f"Objectif non chiffré : {objective['unquantified_reason']}")
            if objective["actions"]:
                document.add_paragraph()
                _table(
                    document,
                    ["N°", "Action", "Pilote", "Budget prévu", "État"],
                    [
                        [
                            a["number"],
                            a["title"],
                            a["lead_name"] or "—",
                            a["budget_total"],
                            a["status_label"],
                        ]
                        for a in objective["actions"]
                    ],
                )
    document.add_paragraph(f"Budget prévu de l'ensemble des actions : {doc['budget_total']}.")

    for action in doc["actions"]:
        document.add_section(WD_SECTION.NEW_PAGE)
        _action(document, action)

    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_heading("Méthode d'évaluation", level=1)
    document.add_paragraph(doc["evaluation_method"] or "Non renseignée.")
    document.add_page_break()
    document.add_heading("Signatures", level=1)
    for deliberation in doc["deliberations"]:
        document.add_paragraph(
            f"Approuvée par délibération n° {deliberation.number} du "
            f"{deliberation.held_on:%d/%m/%Y} ({deliberation.assembly}) : "
            f"{deliberation.votes_for} pour, {deliberation.votes_against} contre, "
            f"{deliberation.abstentions} abstention(s)."
        )
    if doc["signatures"]:
        _table(
            document,
            ["Organisation", "Signataire", "Signée le"],
            [
                [s.organisation.name, s.signatory, f"{s.signed_on:%d/%m/%Y}"]
                for s in doc["signatures"]
            ],
        )
    else:
        for name in doc["signatory_blanks"]:
            document.add_paragraph(name).runs[0].bold = True
            document.add_paragraph("Nom et qualité : ____________________________")
            document.add_paragraph("Date et signature : ____________________________")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _action(document: Any, action: dict[str, Any]) -> None:
    document.add_heading(f"Fiche action {action['number']} — {action['title']}", level=1)
    document.add_paragraph(
        f"Axe {action['axis_number']} : {action['axis_title']} — objectif : "
        f"{action['objective_statement']} — état : {action['status_label']}"
    )
    for title, text, empty in (
        ("Problème traité", action["problem"], "Non renseigné."),
        ("Description", action["description"], "Non renseignée."),
        ("Public visé", action["public"], "Non renseigné."),
    ):
        document.add_heading(title, level=2)
        document.add_paragraph(text or empty)
    document.add_heading("Lieux", level=2)
    document.add_paragraph(
        "Communes : " + (", ".join(action["commune_names"]) or "tout le territoire du conseil")
    )
    if action["places"]:
        document.add_paragraph("Quartiers et lieux : " + " ; ".join(action["places"]))
    document.add_heading("Pilote et partenaires", level=2)
    document.add_paragraph(f"Pilote : {action['lead_name'] or 'non désigné'}", style="List Bullet")
    for partner in action["partners"]:
        document.add_paragraph(
            f"{partner['role_label']} : {partner['organisation']['name']}", style="List Bullet"
        )
    document.add_heading("Calendrier et jalons", level=2)
    document.add_paragraph(f"Du {_date(action['starts'])} au {_date(action['ends'])}.")
    if action["milestones"]:
        _table(
            document,
            ["Jalon", "Échéance", "Réalisé le"],
            [
                [m["title"], _date(m["due"]), _date(m["done"]) if m["done"] else "—"]
                for m in action["milestones"]
            ],
        )
    document.add_heading("Budget", level=2)
    if action["budget"]:
        _table(
            document,
            ["Financeur", "Année", "Prévu", "Engagé", "Dépensé"],
            [
                [
                    line["funder_label"]
                    + (f" ({line['funder_name']})" if line["funder_name"] else ""),
                    str(line["year"]),
                    line["planned_text"],
                    line["committed_text"],
                    line["spent_text"],
                ]
                for line in action["budget"]
            ]
            + [["Total prévu", "", action["budget_total"], "", ""]],
        )
    else:
        document.add_paragraph("Aucun financement inscrit.")
    document.add_heading("Indicateurs d'activité", level=2)
    if action["indicators"]:
        for use in action["indicators"]:
            document.add_paragraph(
                f"{use['indicator']['name']} ({use['indicator']['unit']})"
                + (f" — cible : {use['target_text']}" if use["target_text"] else ""),
                style="List Bullet",
            )
    else:
        document.add_paragraph("Aucun indicateur d'activité.")
