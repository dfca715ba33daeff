"""The action plan as a spreadsheet (openpyxl): exported, edited offline, imported back.

One sheet of actions with a stable key column, and one sheet for each kind of line (partners,
milestones, budget, activity indicators) whose rows name their action by key (or, for an action
added in the spreadsheet without a key, by its exact title). The import checks the whole file
first and refuses it whole, listing every bad row; a valid file is applied in one transaction:
the actions of the sheet are created or updated, the strategy's actions missing from the sheet
are deleted, and the import writes one event listing every element it changed. The web import
previews it first and can undo it (strategy/plan_imports.py).
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from crimestats import french
from stspd.accounts.models import Organisation, User
from stspd.audit.events import record
from stspd.core.exports import append_row, original_text
from stspd.core.ids import is_ascii_digits
from stspd.indicators.library import library_for
from stspd.indicators.models import IndicatorDefinition
from stspd.territories.models import Commune
from stspd.territories.search import search_key

from ..diff import ADDED, REMOVED, Element, compare
from ..enums import ActionStatus, Funder, PartnerRole
from ..models import (
    Action,
    ActionIndicator,
    ActionPartner,
    BudgetLine,
    Milestone,
    Objective,
    Strategy,
)
from ..numbering import numbered_tree
from ..rules import (
    DUPLICATE_ACTION_INDICATOR,
    DUPLICATE_BUDGET_LINE,
    DUPLICATE_PARTNER,
    Problems,
    action_indicator_kind_problem,
    action_problems,
    activity_target_problem,
    budget_line_problems,
    milestone_problems,
)
from ..snapshot import action_data, snapshot, strategy_tree

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A zip bomb is a small file that inflates to gigabytes: its entries are counted and their
# declared sizes added before openpyxl reads anything (zipfile never inflates past them).
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_ROWS = 20_000

ACTIONS = "Actions"
PARTNERS = "Partenaires"
MILESTONES = "Jalons"
BUDGET = "Budget"
INDICATORS = "Indicateurs d'activité"
OBJECTIVES = "Objectifs"
HELP = "Valeurs permises"

KEY = "Clé de l'action"
TITLE_REF = "Action (intitulé)"
COLUMNS: dict[str, list[str]] = {
    ACTIONS: [
        KEY,
        "Axe",
        "Clé de l'objectif",
        "Objectif",
        "Intitulé",
        "Problème traité",
        "Description",
        "Public visé",
        "Communes (codes INSEE)",
        "Quartiers et lieux",
        "Pilote",
        "Début",
        "Fin",
        "État",
    ],
    PARTNERS: [KEY, TITLE_REF, "Organisation", "Rôle"],
    MILESTONES: [KEY, TITLE_REF, "Jalon", "Échéance", "Réalisé le"],
    BUDGET: [
        KEY,
        TITLE_REF,
        "Financeur",
        "Précision",
        "Année",
        "Prévu (€)",
        "Engagé (€)",
        "Dépensé (€)",
    ],
    INDICATORS: [KEY, TITLE_REF, "Clé de l'indicateur", "Indicateur", "Cible"],
}
# Columns written for the reader and ignored on import.
INFORMATIVE = {"Axe"}
# The column of each model field a rule of strategy/rules.py may refuse, by sheet.
FIELD_COLUMNS: dict[str, dict[str, str]] = {
    ACTIONS: {"starts_on": "Début", "ends_on": "Fin"},
    MILESTONES: {"due_on": "Échéance", "done_on": "Réalisé le"},
    BUDGET: {
        "funder_name": "Précision",
        "year": "Année",
        "planned": "Prévu (€)",
        "committed": "Engagé (€)",
        "spent": "Dépensé (€)",
    },
    INDICATORS: {"target_value": "Cible"},
}


class SpreadsheetRefused(Exception):
    """The file cannot be read at all (not an .xlsx, too big, a zip bomb, missing sheets)."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    line: int
    column: str
    value: str
    expected: str


# ---------------------------------------------------------------------------------- export


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _amount(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def export_plan(data: dict[str, Any]) -> bytes:
    """The workbook of a snapshot's actions (working copy or frozen version)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs; loaded when needed
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]  # no stubs

    workbook = Workbook()
    sheets = {}
    for number, (name, columns) in enumerate(COLUMNS.items()):
        sheet = workbook.active if number == 0 else workbook.create_sheet(name)
        sheet.title = name
        append_row(sheet, columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = 40 if column.startswith("Clé") else 24
        sheets[name] = sheet
    for axis_node in numbered_tree(data["axes"]):
        axis = axis_node.element
        for objective in axis["objectives"]:
            for action in objective["actions"]:
                ref = [action["key"], action["title"]]
                append_row(
                    sheets[ACTIONS],
                    [
                        action["key"],
                        f"{axis_node.number}. {axis['title']}",
                        objective["key"],
                        objective["statement"],
                        action["title"],
                        action["problem"],
                        action["description"],
                        action["public"],
                        ", ".join(action["communes"]),
                        action["neighbourhoods"],
                        action["lead"]["name"] if action["lead"] else "",
                        _date(action["starts_on"]),
                        _date(action["ends_on"]),
                        ActionStatus(action["status"]).label,
                    ],
                )
                for partner in action["partners"]:
                    append_row(
                        sheets[PARTNERS],
                        [*ref, partner["organisation"]["name"], PartnerRole(partner["role"]).label],
                    )
                for milestone in action["milestones"]:
                    append_row(
                        sheets[MILESTONES],
                        [
                            *ref,
                            milestone["title"],
                            _date(milestone["due_on"]),
                            _date(milestone["done_on"]),
                        ],
                    )
                for line in action["budget"]:
                    append_row(
                        sheets[BUDGET],
                        [
                            *ref,
                            Funder(line["funder"]).label,
                            line["funder_name"],
                            line["year"],
                            _amount(line["planned"]),
                            _amount(line["committed"]),
                            _amount(line["spent"]),
                        ],
                    )
                for use in action["indicators"]:
                    append_row(
                        sheets[INDICATORS],
                        [*ref, use["key"], use["indicator"]["name"], _amount(use["target_value"])],
                    )
    for sheet in sheets.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(cell.value, Decimal) and "€" in str(
                    sheet.cell(1, cell.column).value
                ):
                    cell.number_format = "#,##0.00"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    _reference_sheets(workbook, data)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _reference_sheets(workbook: Any, data: dict[str, Any]) -> None:
    objectives = workbook.create_sheet(OBJECTIVES)
    append_row(objectives, ["Clé de l'objectif", "Axe", "Objectif"])
    for axis_node in numbered_tree(data["axes"]):
        axis = axis_node.element
        for objective in axis["objectives"]:
            append_row(
                objectives,
                [objective["key"], f"{axis_node.number}. {axis['title']}", objective["statement"]],
            )
    help_sheet = workbook.create_sheet(HELP)
    append_row(help_sheet, ["Colonne", "Valeurs permises"])
    append_row(help_sheet, ["État", " ; ".join(str(c.label) for c in ActionStatus)])
    append_row(help_sheet, ["Rôle", " ; ".join(str(c.label) for c in PartnerRole)])
    append_row(help_sheet, ["Financeur", " ; ".join(str(c.label) for c in Funder)])
    append_row(help_sheet, ["Dates", "JJ/MM/AAAA"])
    append_row(
        help_sheet,
        [
            "Règles",
            "Une ligne de la feuille Actions sans clé crée une action ; une action de la stratégie "
            "absente de la feuille Actions est supprimée. Les autres feuilles désignent l'action "
            "par sa clé, ou par son intitulé exact si elle n'a pas encore de clé. Les feuilles "
            "Objectifs et Valeurs permises ne sont pas relues.",
        ],
    )
    for sheet in (objectives, help_sheet):
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 40
        sheet.column_dimensions["C"].width = 60


# ---------------------------------------------------------------------------------- reading


def check_xlsx(data: bytes) -> None:
    """Refuse what is not an .xlsx workbook, and zip bombs, before any XML is parsed."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetRefused(
            f"Le fichier dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo : un plan d'action "
            "tient dans bien moins."
        )
    not_xlsx = SpreadsheetRefused(
        "Ce fichier n'est pas un classeur Excel .xlsx (un .xls ancien, un .ods, un CSV ?) : "
        "repartez du classeur exporté par stspd et enregistrez-le au format .xlsx."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_xlsx from exc
    names = {entry.filename for entry in entries}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise not_xlsx
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetRefused(
            f"Ce classeur se décompresse en {french.number(total / 1e6)} Mo et "
            f"{french.number(len(entries))} parties (au plus "
            f"{french.number(MAX_UNCOMPRESSED_BYTES // 1_000_000)}"
            f" Mo et {french.number(MAX_ENTRIES)} parties acceptés) : il n'est pas lu. Repartez du "
            "classeur exporté par stspd."
        )


@dataclass
class Row:
    sheet: str
    line: int
    cells: dict[str, Any]

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


def read_workbook(data: bytes) -> dict[str, list[Row]]:
    """The rows of the five sheets, by column header (row 1); empty rows skipped."""
    check_xlsx(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetRefused(
            "Ce classeur .xlsx est illisible (fichier abîmé ?) : repartez du classeur exporté."
        ) from exc
    try:
        missing = [name for name in COLUMNS if name not in workbook.sheetnames]
        if missing:
            raise SpreadsheetRefused(
                "Il manque la ou les feuilles "
                + ", ".join(f"« {name} »" for name in missing)
                + " : ne renommez ni ne supprimez les feuilles du classeur exporté."
            )
        sheets: dict[str, list[Row]] = {}
        for name, columns in COLUMNS.items():
            rows = workbook[name].iter_rows(values_only=True)
            header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
            absent = [c for c in columns if c not in header and c not in INFORMATIVE]
            if absent:
                raise SpreadsheetRefused(
                    f"Feuille « {name} » : la ligne 1 doit porter les colonnes "
                    + ", ".join(f"« {c} »" for c in absent)
                    + " (ne renommez pas les titres des colonnes)."
                )
            sheets[name] = []
            for line, values in enumerate(rows, 2):
                if line > MAX_ROWS:
                    raise SpreadsheetRefused(f"Feuille « {name} » : plus de {MAX_ROWS} lignes.")
                cells = {
                    # The export quoted texts that a spreadsheet would read as formulas.
                    h: (original_text(v.strip()) if isinstance(v, str) else v)
                    for h, v in zip(header, values, strict=False)
                    if h
                }
                if any(v not in (None, "") for v in cells.values()):
                    sheets[name].append(Row(name, line, cells))
    finally:
        workbook.close()
    return sheets


# ---------------------------------------------------------------------------------- checking


@dataclass
class PlannedAction:
    """One action as the spreadsheet wants it."""

    row: Row
    key: str
    existing: Action | None
    objective: Objective | None
    fields: dict[str, Any] = field(default_factory=dict)
    communes: list[Commune] = field(default_factory=list)
    partners: list[tuple[Organisation, str]] = field(default_factory=list)
    milestones: list[tuple[str, datetime.date, datetime.date | None]] = field(default_factory=list)
    budget: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[tuple[str, IndicatorDefinition, Decimal | None]] = field(default_factory=list)
    # An undo (plan_imports.py) gives back the ids its rows had: the same pages, the same order.
    pk: int | None = None
    use_ids: dict[str, int] = field(default_factory=dict)


@dataclass
class Plan:
    actions: list[PlannedAction]
    deleted: list[Action]
    errors: list[RowError]


def _choice(choices: Any, text: str) -> str | None:
    folded = search_key(text)
    for choice in choices:
        if folded in (search_key(str(choice.label)), search_key(choice.value)):
            return str(choice.value)
    return None


class Checker:
    """Reads every row, collects every error, resolves names to objects."""

    def __init__(self, strategy: Strategy) -> None:
        self.strategy = strategy
        self.errors: list[RowError] = []
        self.objectives = {
            o.key: o
            for o in Objective.objects.filter(axis__strategy=strategy).select_related("axis")
        }
        self.actions = {
            a.key: a
            for a in Action.objects.filter(objective__axis__strategy=strategy).select_related(
                "objective", "lead"
            )
        }
        self.organisations = {o.name_key: o for o in Organisation.objects.all()}
        library = list(library_for(strategy.council))
        # A council's own entry wins over a shared one of the same name.
        self.indicators = {d.name: d for d in library if d.council_id is None} | {
            d.name: d for d in library if d.council_id is not None
        }
        self.territory = {c.code: c for c in strategy.council.communes().filter(kind="commune")}

    def error(self, row: Row, column: str, expected: str) -> None:
        value = row.cells.get(column)
        if isinstance(value, datetime.datetime):
            shown = f"{value:%d/%m/%Y}"
        else:
            shown = "" if value is None else str(value)
        self.errors.append(RowError(row.sheet, row.line, column, shown[:200], expected))

    def problems(self, row: Row, problems: Problems) -> None:
        """A rule's messages (strategy/rules.py), each under the column of its field."""
        for name, message in problems.items():
            self.error(row, FIELD_COLUMNS[row.sheet][name], message)

    def text(self, row: Row, column: str, *, required: bool = False, max_length: int = 0) -> str:
        text = row.text(column)
        if required and not text:
            self.error(row, column, "une valeur (cette colonne est obligatoire)")
        elif max_length and len(text) > max_length:
            self.error(row, column, f"un texte de {max_length} caractères au plus")
        return text

    def date(self, row: Row, column: str, *, required: bool = False) -> datetime.date | None:
        value = row.cells.get(column)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = row.text(column)
        if not text:
            if required:
                self.error(row, column, "une date (JJ/MM/AAAA), obligatoire")
            return None
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.error(row, column, "une date au format JJ/MM/AAAA")
        return None

    def decimal(
        self, row: Row, column: str, *, places: int, default: Decimal | None = None
    ) -> Decimal | None:
        value = row.cells.get(column)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            self.error(row, column, "un nombre")
            return default
        try:
            number = (
                Decimal(repr(value))
                if isinstance(value, float)
                else Decimal(str(value).replace("\u202f", "").replace(" ", "").replace(",", "."))
            )
        except InvalidOperation:
            self.error(row, column, "un nombre (par exemple 1500 ou 1500,50)")
            return default
        if not number.is_finite():
            self.error(row, column, "un nombre")
            return default
        if number != number.quantize(Decimal(1).scaleb(-places)) or abs(number) >= Decimal(10) ** 9:
            self.error(row, column, f"un nombre d'au plus {places} décimales et 9 chiffres")
            return default
        return number

    def organisation(self, row: Row, column: str, *, required: bool) -> Organisation | None:
        name = row.text(column)
        if not name:
            if required:
                self.error(row, column, "le nom d'une organisation partenaire (obligatoire)")
            return None
        organisation = self.organisations.get(search_key(name))
        if organisation is None:
            self.error(
                row,
                column,
                "une organisation connue de stspd (organisation inconnue : ajoutez-la d'abord "
                "au conseil, ou corrigez son nom)",
            )
        return organisation

    def choice(self, row: Row, column: str, choices: Any, what: str) -> str | None:
        text = row.text(column)
        value = _choice(choices, text) if text else None
        if value is None:
            allowed = " ; ".join(str(c.label) for c in choices)
            self.error(row, column, f"{what} parmi : {allowed}")
        return value


def check_plan(strategy: Strategy, sheets: dict[str, list[Row]]) -> Plan:
    """Every row checked; the plan is applicable only when `errors` is empty."""
    checker = Checker(strategy)
    planned: list[PlannedAction] = []
    by_key: dict[str, PlannedAction] = {}
    keys = Counter(row.text(KEY) for row in sheets[ACTIONS] if row.text(KEY))
    for row in sheets[ACTIONS]:
        planned_action = _check_action(checker, row, keys)
        planned.append(planned_action)
        if planned_action.key:
            by_key[planned_action.key] = planned_action
    titles = Counter(p.fields.get("title", "") for p in planned)
    by_title = {p.fields.get("title", ""): p for p in planned if not p.row.text(KEY)}

    def target(row: Row) -> PlannedAction | None:
        key = row.text(KEY)
        if key:
            found = by_key.get(key)
            if found is None:
                checker.error(
                    row, KEY, "la clé d'une action de la feuille « Actions » (clé inconnue)"
                )
            return found
        title = row.text(TITLE_REF)
        if not title:
            checker.error(row, KEY, "la clé de l'action, ou à défaut son intitulé exact")
            return None
        if titles[title] > 1:
            checker.error(
                row, TITLE_REF, "un intitulé porté par une seule action (sinon indiquez la clé)"
            )
            return None
        found = by_title.get(title)
        if found is None:
            checker.error(
                row,
                TITLE_REF,
                "l'intitulé exact d'une action sans clé de la feuille « Actions » "
                "(action inconnue)",
            )
        return found

    seen_partners: set[tuple[int, int, str]] = set()
    for row in sheets[PARTNERS]:
        owner = target(row)
        organisation = checker.organisation(row, "Organisation", required=True)
        role = checker.choice(row, "Rôle", PartnerRole, "un rôle")
        if owner and organisation and role:
            if (id(owner), organisation.pk, role) in seen_partners:
                checker.error(row, "Organisation", DUPLICATE_PARTNER)
            seen_partners.add((id(owner), organisation.pk, role))
            owner.partners.append((organisation, role))
    today = timezone.localdate()
    for row in sheets[MILESTONES]:
        owner = target(row)
        title = checker.text(row, "Jalon", required=True, max_length=250)
        due = checker.date(row, "Échéance", required=True)
        done = checker.date(row, "Réalisé le")
        checker.problems(row, milestone_problems(strategy, due_on=due, done_on=done, today=today))
        if owner and title and due:
            owner.milestones.append((title, due, done))
    seen_lines: set[tuple[int, str, str, int]] = set()
    for row in sheets[BUDGET]:
        owner = target(row)
        funder = checker.choice(row, "Financeur", Funder, "un financeur")
        name = checker.text(row, "Précision", max_length=200)
        year = _year(checker, row)
        amounts = {
            attribute: checker.decimal(row, column, places=2, default=Decimal(0))
            for attribute, column in (
                ("planned", "Prévu (€)"),
                ("committed", "Engagé (€)"),
                ("spent", "Dépensé (€)"),
            )
        }
        checker.problems(
            row,
            budget_line_problems(strategy, funder=funder, funder_name=name, year=year, **amounts),
        )
        if owner and funder and year:
            if (id(owner), funder, name, year) in seen_lines:
                checker.error(row, "Financeur", DUPLICATE_BUDGET_LINE)
            seen_lines.add((id(owner), funder, name, year))
            owner.budget.append({"funder": funder, "funder_name": name, "year": year, **amounts})
    seen_uses: set[str] = set()
    seen_definitions: set[tuple[int, int]] = set()
    for row in sheets[INDICATORS]:
        owner = target(row)
        use_key = row.text("Clé de l'indicateur")
        if use_key and (not _is_key(use_key) or use_key in seen_uses):
            checker.error(row, "Clé de l'indicateur", "une clé unique, ou vide pour un ajout")
        seen_uses.add(use_key)
        name = row.text("Indicateur")
        definition = checker.indicators.get(name)
        if definition is None:
            checker.error(
                row,
                "Indicateur",
                "le nom exact d'un indicateur de la bibliothèque du conseil (indicateur inconnu)",
            )
        target_value = checker.decimal(row, "Cible", places=3)
        if problem := activity_target_problem(target_value):
            checker.error(row, "Cible", problem)
        if definition and (problem := action_indicator_kind_problem(definition.kind)):
            checker.error(row, "Indicateur", problem)
        if owner and definition:
            if (id(owner), definition.pk) in seen_definitions:
                checker.error(row, "Indicateur", DUPLICATE_ACTION_INDICATOR)
            seen_definitions.add((id(owner), definition.pk))
            owner.indicators.append((use_key or str(uuid.uuid4()), definition, target_value))
    kept = {p.key for p in planned}
    deleted = [action for key, action in checker.actions.items() if key not in kept]
    return Plan(planned, deleted, checker.errors)


def _is_key(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) <= 36


def _year(checker: Checker, row: Row) -> int | None:
    text = row.text("Année")
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
        checker.error(row, "Année", "une année sur quatre chiffres, entre 2000 et 2100")
        return None
    return int(text)


def _check_action(checker: Checker, row: Row, keys: Counter[str]) -> PlannedAction:
    key = row.text(KEY)
    if key and not _is_key(key):
        checker.error(row, KEY, "la clé exportée par stspd, ou vide pour une nouvelle action")
    elif key and keys[key] > 1:
        checker.error(row, KEY, "une clé qui ne figure qu'une fois dans la feuille")
    objective_key = row.text("Clé de l'objectif")
    objective = None
    if objective_key:
        objective = checker.objectives.get(objective_key)
        if objective is None:
            checker.error(
                row, "Clé de l'objectif", "la clé d'un objectif de la stratégie (clé inconnue)"
            )
    else:
        statement = row.text("Objectif")
        matches = [o for o in checker.objectives.values() if o.statement == statement]
        if len(matches) == 1:
            objective = matches[0]
        else:
            checker.error(
                row,
                "Objectif",
                "l'énoncé exact d'un objectif de la stratégie, ou sa clé (feuille « Objectifs »)",
            )
    planned = PlannedAction(row, key or str(uuid.uuid4()), checker.actions.get(key), objective)
    planned.fields = {
        "title": checker.text(row, "Intitulé", required=True, max_length=250),
        "problem": checker.text(row, "Problème traité"),
        "description": checker.text(row, "Description"),
        "public": checker.text(row, "Public visé"),
        "neighbourhoods": row.text("Quartiers et lieux"),
        "lead": checker.organisation(row, "Pilote", required=False),
        "starts_on": checker.date(row, "Début"),
        "ends_on": checker.date(row, "Fin"),
    }
    checker.problems(
        row,
        action_problems(
            checker.strategy,
            starts_on=planned.fields["starts_on"],
            ends_on=planned.fields["ends_on"],
        ),
    )
    status = row.text("État")
    planned.fields["status"] = (
        checker.choice(row, "État", ActionStatus, "un état") if status else ActionStatus.PLANNED
    )
    for code in re.split(r"[\s,;]+", row.text("Communes (codes INSEE)")):
        if not code:
            continue
        if is_ascii_digits(code):
            code = code.zfill(5)  # "01001" typed as a number loses its leading zero
        commune = checker.territory.get(code)
        if commune is None:
            checker.error(
                row,
                "Communes (codes INSEE)",
                f"des codes INSEE de communes du territoire du conseil ({code} n'en est pas)",
            )
        else:
            planned.communes.append(commune)
    return planned


# ---------------------------------------------------------------------------------- applying


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0


class PlanRejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} erreur(s)")
        self.errors = errors


def import_plan(strategy: Strategy, data: bytes, *, by: User | None, filename: str = "") -> Report:
    """Check the whole workbook, then apply it in one transaction (all or nothing), written as
    one event listing every element it added, changed or deleted."""
    plan = check_plan(strategy, read_workbook(data))
    if plan.errors:
        raise PlanRejected(plan.errors)
    with transaction.atomic():
        before = snapshot(strategy.pk)
        report = apply_checked(strategy, plan)
        record_import(strategy, before, snapshot(strategy.pk), by=by, filename=filename)
    return report


def followed_problem(plan: Plan) -> str:
    """A fiche the plan deletes, or an activity indicator it removes, that already has values
    reported or an appraisal (a strategy in revision is followed while it is edited): deleting
    would erase them with it, so the plan is refused ("" when nothing is lost)."""
    deleted = [a.pk for a in plan.deleted if a.pk is not None]
    lost = list(
        Action.objects.filter(pk__in=deleted)
        .filter(Q(indicators__measurements__isnull=False) | Q(appraisals__isnull=False))
        .values_list("title", flat=True)
        .distinct()
    )
    for planned in plan.actions:
        if planned.existing is None:
            continue
        kept = {key for key, _, _ in planned.indicators}
        removed = (
            ActionIndicator.objects.filter(action=planned.existing, measurements__isnull=False)
            .exclude(key__in=kept)
            .select_related("definition")
        )
        lost += [f"{planned.existing.title} ({use.definition.name})" for use in removed.distinct()]
    if not lost:
        return ""
    return (
        "Le classeur supprime des éléments suivis, dont les valeurs renseignées ou "
        "l'appréciation seraient effacées avec eux : "
        + " ; ".join(f"« {title} »" for title in lost)
        + ". Rien n'est importé : gardez leurs lignes dans le classeur."
    )


def apply_checked(strategy: Strategy, plan: Plan) -> Report:
    """`apply_plan`, refused in French when it would erase what was reported or appraised."""
    if problem := followed_problem(plan):
        raise SpreadsheetRefused(problem)
    try:
        return apply_plan(strategy, plan)
    except ProtectedError as exc:
        raise SpreadsheetRefused(
            "Une action supprimée par le classeur a des données qui en dépendent (mesures "
            "saisies) : rien n'est importé. Gardez sa ligne dans la feuille « Actions »."
        ) from exc


def _current(action: Action) -> dict[str, Any]:
    """What the import may change of an action: its content and its objective."""
    return action_data(action) | {"objective": action.objective.key}


def _element_text(element: Element) -> str:
    return " ; ".join(f"{label} : {text}" for _, label, text in element.fields if text)


def import_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """What an import changed, element by element, as the event log's {what: [before, after]}."""
    changes: dict[str, list[str]] = {}
    for change in compare(before, after):
        element = change.element
        if change.status == ADDED:
            changes[f"{element.label} (ajout)"] = ["", _element_text(element)]
        elif change.status == REMOVED:
            changes[f"{element.label} (suppression)"] = [_element_text(element), ""]
        else:
            if change.renumbered or change.moved:
                changes[f"{element.label} — place"] = [change.old_number, element.number]
            for item in change.fields:
                changes[f"{element.label} — {item.label}"] = [item.before, item.after]
    return changes


def record_import(
    strategy: Strategy,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    by: User | None,
    filename: str,
    verb: str = "imported",
) -> None:
    """One event for the whole import (none when it changed nothing)."""
    changes = import_changes(before, after)
    if not changes:
        return
    if filename:
        changes = {"fichier": ["", filename]} | changes
    record(by, verb, strategy, council=strategy.council, changes=changes)


@transaction.atomic
def apply_plan(strategy: Strategy, plan: Plan) -> Report:
    report = Report()
    tree = strategy_tree(strategy.pk)
    before = {
        action.key: (action, _current(action))
        for axis in tree.axes.all()
        for objective in axis.objectives.all()
        for action in objective.actions.all()
    }
    for action in plan.deleted:
        report.deleted.append(action.title)
        action.delete()
    positions: Counter[int] = Counter()
    for planned in plan.actions:
        assert planned.objective is not None  # checked
        positions[planned.objective.pk] += 1
        existing = before.get(planned.key, (None, None))[0]
        action = existing or Action(pk=planned.pk, key=planned.key)
        action.objective = planned.objective
        action.position = positions[planned.objective.pk]
        for name, value in planned.fields.items():
            setattr(action, name, value)
        if existing is not None:
            action.revision += 1
        action.save()
        action.communes.set(planned.communes)
        _sync_lines(action, planned)
        if existing is None:
            report.created.append(action.title)
            continue
        after = _current(Action.objects.select_related("objective", "lead").get(pk=action.pk))
        if after != before[planned.key][1]:
            report.updated.append(action.title)
        else:
            Action.objects.filter(pk=action.pk).update(revision=action.revision - 1)
            report.unchanged += 1
    return report


def _milestone_order(item: tuple[str, datetime.date, datetime.date | None]) -> tuple[Any, ...]:
    title, due, done = item
    return (due, title, done or datetime.date.min)


def _sync_lines(action: Action, planned: PlannedAction) -> None:
    """Lines matched on what identifies them, updated in place (what hangs on them stays)."""
    wanted_partners = set((o.pk, role) for o, role in planned.partners)
    for partner in action.partners.all():
        if (partner.organisation_id, partner.role) not in wanted_partners:
            partner.delete()
    have = set(action.partners.values_list("organisation_id", "role"))
    ActionPartner.objects.bulk_create(
        ActionPartner(action=action, organisation=o, role=role)
        for o, role in planned.partners
        if (o.pk, role) not in have
    )
    wanted_milestones = planned.milestones
    current = [(m.title, m.due_on, m.done_on) for m in action.milestones.all()]
    if sorted(current, key=_milestone_order) != sorted(wanted_milestones, key=_milestone_order):
        action.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(action=action, title=t, due_on=due, done_on=done)
            for t, due, done in wanted_milestones
        )
    lines = {(b.funder, b.funder_name, b.year): b for b in action.budget_lines.all()}
    wanted = {(b["funder"], b["funder_name"], b["year"]): b for b in planned.budget}
    for ident, line in lines.items():
        if ident not in wanted:
            line.delete()
    for ident, values in wanted.items():
        line = lines.get(ident) or BudgetLine(action=action)
        for name, value in values.items():
            setattr(line, name, value)
        line.save()
    uses = {u.key: u for u in action.indicators.all()}
    wanted_uses = {key: (definition, target) for key, definition, target in planned.indicators}
    for key, use in uses.items():
        if key not in wanted_uses:
            use.delete()
    for key, (definition, target) in wanted_uses.items():
        use = uses.get(key) or ActionIndicator(pk=planned.use_ids.get(key), action=action, key=key)
        use.definition = definition
        use.target_value = target
        use.save()
