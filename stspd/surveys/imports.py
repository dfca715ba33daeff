"""A pollster's file of questionnaires: one row a questionnaire, one column a question.

Read with the partners' files reader (CSV or XLSX, separators and encodings guessed); columns are
found by the question's code or by the mapping given; every row error is listed with its line and
column, and nothing is stored unless every row is right. Columns not mapped to a question
(a respondent's identifier, name, address) are never stored; free texts are scanned for personal
data and redacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crimestats.partner_files import (
    PartnerFileError,
    Table,
    column_letter,
    fold,
    parse_number,
    read_csv,
    read_xlsx,
)
from stspd.accounts.models import User

from .enums import Channel, QuestionKind
from .models import Question, Survey
from .personal import redact
from .workflow import store_many

MULTIPLE_SEPARATORS = ("|", ",", "+")


class ImportRefused(ValueError):
    """The file is refused: ``errors`` lists every problem, in French."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportReport:
    stored: int
    redacted: int


def read_table(data: bytes, filename: str) -> Table:
    name = filename.lower()
    try:
        return read_xlsx(data) if name.endswith(".xlsx") else read_csv(data)
    except PartnerFileError as error:
        raise ImportRefused([str(error)]) from error


def _choice(question: Question, text: str) -> str | None:
    """The code of the answer written ``text`` (its code or its label, accents and case
    aside), or None."""
    key = fold(text)
    for value, label in question.choices:
        if key in (fold(str(value)), fold(str(label))):
            return str(value)
    return None


def cell_value(question: Question, text: str) -> tuple[Any, str, int]:
    """(value, problem, personal data redacted) of one cell."""
    text = text.strip()
    if not text:
        return None, "", 0
    labels = question.labels()
    expected = ", ".join(labels)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.PROFILE):
        value = _choice(question, text)
        if value is None:
            return None, f"« {text} » n'est pas une réponse proposée (attendu : {expected})", 0
        return value, "", 0
    if question.kind == QuestionKind.MULTIPLE:
        parts = [text]
        for separator in MULTIPLE_SEPARATORS:
            if separator in text:
                parts = [p for p in text.split(separator) if p.strip()]
                break
        values = []
        for part in parts:
            value = _choice(question, part)
            if value is None:
                return (
                    None,
                    f"« {part.strip()} » n'est pas une réponse proposée (attendu : {expected}, "
                    "séparées par « | »)",
                    0,
                )
            values.append(value)
        return values, "", 0
    if question.kind == QuestionKind.NUMBER:
        number = parse_number(text)
        if number is None:
            return None, f"« {text} » n'est pas un nombre", 0
        return (int(number) if float(number).is_integer() else number), "", 0
    cleaned, replaced = redact(text[:500])
    return cleaned, "", replaced


def import_file(
    survey: Survey, data: bytes, filename: str, mapping: dict[str, str], *, by: User | None
) -> ImportReport:
    table = read_table(data, filename)
    questions = list(survey.current_version().questions.all())
    by_code = {q.code: q for q in questions}
    errors = [
        f"La correspondance nomme « {code} », qui n'est pas une question de cette enquête."
        for code in mapping
        if code not in by_code
    ]
    headers = {fold(h): i for i, h in enumerate(table.headers)}
    columns: dict[str, int] = {}
    for question in questions:
        header = mapping.get(question.code, question.code)
        if fold(header) in headers:
            columns[question.code] = headers[fold(header)]
        elif question.code in mapping:
            errors.append(
                f"La colonne « {header} » (question « {question.code} ») n'est pas dans le "
                f"fichier, dont les en-têtes sont : {', '.join(table.headers)}."
            )
    if not columns and not errors:
        errors.append(
            "Aucune colonne du fichier ne correspond à une question : nommez les colonnes "
            "par les codes des questions, ou donnez la correspondance."
        )
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    redacted = 0
    for line, cells in table.rows:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line of the sheet is no questionnaire
        answers: dict[str, Any] = {}
        for code, index in columns.items():
            question = by_code[code]
            text = cells[index] if index < len(cells) else ""
            value, problem, replaced = cell_value(question, text)
            if not problem and value is None and question.required:
                problem = "cette question demande une réponse"
            if problem:
                errors.append(
                    f"Ligne {line}, colonne {column_letter(index)} "
                    f"(« {table.headers[index]} ») : {problem}."
                )
            answers[code] = value
            redacted += replaced
        rows.append(answers)
        lines.append(f"{filename[:100]}, ligne {line}")
    if not rows and not errors:
        errors.append("Le fichier ne contient aucune ligne de réponses sous son en-tête.")
    if errors:
        raise ImportRefused(errors)
    stored = store_many(survey, rows, channel=Channel.IMPORT, source_lines=lines, by=by)
    return ImportReport(stored=stored, redacted=redacted)
