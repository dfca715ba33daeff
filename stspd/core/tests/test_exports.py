"""Formula injection: every CSV and XLSX file of the platform, found from the URL configuration.

Texts that reach the exports (titles, names, labels, the journal) are seeded with formulas; no
cell of any export may then start with a live `=`, `+`, `-` or `@`.
"""

import csv
import datetime
import doctest
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]  # no stubs

from stspd.audit.events import record
from stspd.core import exports
from stspd.core.exports import append_row, csv_document, original_text, safe_text
from stspd.core.tests.test_permissions import EXPECTATIONS, url_names
from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.models import Milestone
from stspd.territories.models import Commune

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIVE = ("=", "+", "-", "@", "\t", "\r")


def test_the_examples_of_the_module_hold() -> None:
    assert doctest.testmod(exports).failed == 0


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.example","x")',
        "+33 1 23 45 67 89",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1",
        "\r=1",
        "'=1",
        "''@x",
    ],
)
def test_a_formula_is_quoted_and_comes_back(text: str) -> None:
    quoted = safe_text(text)
    assert quoted == "'" + text
    assert original_text(quoted) == text


@pytest.mark.parametrize("text", ["Médiation de nuit", "-12,5", "-3", "42.0", "'cité'", ""])
def test_a_text_that_is_no_formula_is_left_as_it_is(text: str) -> None:
    assert safe_text(text) == text
    assert original_text(text) == text


def test_a_csv_keeps_numbers_as_numbers_and_quotes_formulas() -> None:
    text = csv_document(["Nom", "Montant"], [["=1+1", Decimal("-12.50")], ["-x", -3]])
    assert text == "\ufeffNom;Montant\r\n'=1+1;-12.50\r\n'-x;-3\r\n"


def test_an_xlsx_row_has_string_cells_for_texts_and_numbers_for_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    append_row(sheet, ['=HYPERLINK("http://x.example","x")', -3, Decimal("-1.5"), None, "-4"])
    a, b, c, d, e = sheet[1]
    assert (a.value, a.data_type) == ('\'=HYPERLINK("http://x.example","x")', "s")
    assert (b.value, b.data_type) == (-3, "n")
    assert (c.value, c.data_type) == (Decimal("-1.5"), "n")
    assert d.value is None
    assert (e.value, e.data_type) == ("-4", "s")
    out = io.BytesIO()
    workbook.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert [cell.data_type for cell in read[1][:3]] == ["s", "n", "n"]


# ------------------------------------------------------------------------ every export URL


def payload(where: str, short: bool = False) -> str:
    """A formula that names where it was seeded; the four starts spread over the fields. The
    short one fits a 30-character field (a unit)."""
    start = LIVE[sum(map(ord, where)) % 4]
    if short:
        return f'{start}HYPERLINK("x","{where[-10:]}")'
    return f'{start}HYPERLINK("http://evil.example/{where}","x")'


def seed(world: Any) -> set[str]:
    """Formulas in every text of the world that an export writes; returns them."""
    seeded = set()

    def put(obj: Any, field: str, where: str, short: bool = False) -> None:
        setattr(obj, field, payload(where, short))
        obj.save()
        seeded.add(payload(where, short))

    put(world.council, "name", "council")
    put(world.organisation, "name", "organisation")
    put(world.strategy, "title", "strategy")
    put(world.axis, "title", "axis")
    put(world.axis, "description", "axis-description")
    put(world.objective, "statement", "objective")
    for field in ("title", "problem", "description", "public", "neighbourhoods"):
        put(world.action, field, f"action-{field}")
    milestone = Milestone.objects.create(
        action=world.action, title="x", due_on=datetime.date(2026, 9, 1)
    )
    put(milestone, "title", "milestone")
    line = world.action.budget_lines.get()
    put(line, "funder_name", "budget")
    for definition in IndicatorDefinition.objects.filter(
        observatory_indicator=world.indicator
    ) | IndicatorDefinition.objects.filter(name="Médiations réalisées"):
        put(definition, "name", f"definition-{definition.pk}")
        put(definition, "unit", f"unit-{definition.pk}", short=True)
    put(world.indicator, "unit", "obs-unit", short=True)
    put(Commune.objects.get(code="76575"), "name", "commune")
    # The journal: an edit of the action's title, as the edit page records it.
    record(
        world.coordinator,
        "updated",
        world.action,
        council=world.council,
        changes={"intitulé": ["", payload("journal")]},
        label=payload("journal-object"),
    )
    seeded.add(payload("journal-object"))
    return seeded


def seed_survey(world: Any, kwargs: dict[str, Any], seeded: set[str]) -> None:
    """A survey is made by its URL's own arguments: its questions' texts are seeded then (a
    queryset update, since a published questionnaire is frozen for the forms)."""
    from stspd.surveys.models import Question

    Question.objects.filter(version__survey_id=kwargs["survey_id"]).update(
        text=payload("survey-question")
    )
    seeded.add(payload("survey-question"))


# Exports whose object is made by the URL's arguments, seeded once it exists.
SEED_AFTER_KWARGS = {"surveys:results_csv": seed_survey}


def cells_of(content: bytes, content_type: str) -> list[tuple[str, Any, str]]:
    """(where, value, data type) of every non-empty cell of a CSV or XLSX file."""
    if content_type.startswith(CSV):
        text = content.decode("utf-8-sig")
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        return [
            (f"ligne {n} colonne {c}", value, "s")
            for n, row in enumerate(rows, 1)
            for c, value in enumerate(row, 1)
            if value
        ]
    workbook = load_workbook(io.BytesIO(content))
    return [
        (f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def live(value: Any, data_type: str) -> bool:
    """A formula cell, or a text a spreadsheet would read as one (a plain number is not)."""
    if data_type == "f":
        return True
    return (
        isinstance(value, str)
        and value[:1] in LIVE
        and re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", value) is None
    )


def test_no_export_of_the_platform_writes_a_live_formula(world, client) -> None:  # type: ignore[no-untyped-def]
    """Every URL of the URL configuration is opened by the coordinator; the CSV and XLSX files
    among the answers are the exports."""
    assert url_names() == set(EXPECTATIONS)  # the walk covers the whole URL configuration
    seeded = seed(world)
    client.force_login(world.coordinator)
    found = {}
    for name, (kwargs, expected, query) in EXPECTATIONS.items():
        if expected["coordinator"] != 200:
            continue
        arguments = kwargs(world)
        if name in SEED_AFTER_KWARGS:
            SEED_AFTER_KWARGS[name](world, arguments, seeded)
        response = client.get(reverse(name, kwargs=arguments) + query)
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith((CSV, XLSX)):
            found[name] = cells_of(response.content, content_type)
    # The exports the review named, at least: a walk that finds none would prove nothing.
    assert {
        "strategy:plan_xlsx",
        "evaluation:funds_csv",
        "evaluation:funds_xlsx",
        "public:indicators_csv",
        "public:strategy_csv",
        "public:funds_csv",
        "councils:events_csv",
        "observatory:csv",
        "surveys:results_csv",
    } <= set(found)
    live_cells = {
        name: [(where, value) for where, value, kind in cells if live(value, kind)][:3]
        for name, cells in found.items()
    }
    assert {name: bad for name, bad in live_cells.items() if bad} == {}
    # Each export carried some seeded text (else it proved nothing), quoted as written.
    unreached = [
        name
        for name, cells in found.items()
        if not {original_text(v) for _, v, _ in cells if isinstance(v, str)} & seeded
    ]
    assert unreached == []
