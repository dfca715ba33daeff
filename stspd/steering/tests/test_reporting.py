"""Checks of a reported value, without the pages: numbers as typed in France, units, periods,
plausibility, evidence files."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stspd.steering.evidence import detected_kind, evidence_problem
from stspd.steering.reporting import (
    ReportingError,
    is_percentage,
    parse_value,
    period_problem,
    plausibility_warning,
    unit_problem,
)
from stspd.strategy.models import Strategy

from .reporting_helpers import PDF


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12", "12"), ("12,5", "12.5"), ("12.5", "12.5"), ("1 234,5", "1234.5"), (" 0 ", "0"),
     ("1\u202f000", "1000"), (",5", "0.5")],
)  # fmt: skip
def test_numbers_are_read_as_typed_in_france(typed: str, value: str) -> None:
    assert parse_value(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["douze", "12,5,1", "12 %", "1e3", "", "--3", "0x10"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(ReportingError, match="n'est pas un nombre"):
        parse_value(typed)


def test_units_decide_what_a_value_may_be() -> None:
    assert is_percentage("%") and is_percentage("taux de réitération")
    assert not is_percentage("taux pour 1 000 habitants") and not is_percentage("nombre")
    assert unit_problem(Decimal(-1), "nombre de médiations")
    assert not unit_problem(Decimal(-1), "évolution en points")
    assert unit_problem(Decimal(101), "taux de réitération (%)")
    assert not unit_problem(Decimal(101), "nombre de jeunes")


def test_period_problems() -> None:
    strategy = Strategy(starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2027, 12, 31))
    today = datetime.date(2026, 5, 20)
    assert period_problem(strategy, "quarter", datetime.date(2026, 1, 1), today) == ""
    assert "hors de la période" in period_problem(
        strategy, "quarter", datetime.date(2024, 10, 1), today
    )
    assert "hors de la période" in period_problem(
        strategy,
        "quarter",
        datetime.date(2026, 2, 1),
        today,  # not the first day of a quarter
    )
    assert "n'est pas terminée" in period_problem(
        strategy, "quarter", datetime.date(2026, 4, 1), today
    )
    assert "n'a pas commencé" in period_problem(strategy, "year", datetime.date(2027, 1, 1), today)


def test_plausibility_warnings() -> None:
    history = [Decimal(v) for v in (100, 90, 110)]
    assert plausibility_warning(Decimal(105), history, None, "n") == ""
    assert "plus de dix fois la médiane" in plausibility_warning(Decimal(1001), history, None, "n")
    assert "moins du dixième" in plausibility_warning(Decimal(9), history, None, "n")
    # Two earlier values are too few for a median to mean anything.
    assert plausibility_warning(Decimal(5000), history[:2], None, "n") == ""
    assert "dépasse de loin la cible" in plausibility_warning(Decimal(301), [], Decimal(100), "n")
    assert plausibility_warning(Decimal(300), [], Decimal(100), "n") == ""


def test_evidence_is_recognised_by_its_first_bytes() -> None:
    assert detected_kind(SimpleUploadedFile("x.bin", PDF)) == "pdf"
    assert detected_kind(SimpleUploadedFile("x.bin", "é;à\n".encode())) == "csv"
    assert detected_kind(SimpleUploadedFile("x.bin", b"\x00\x01\x02")) == ""
    assert evidence_problem(SimpleUploadedFile("bilan.PDF", PDF)) == ""
    assert "malgré son extension .csv" in evidence_problem(SimpleUploadedFile("a.csv", PDF))


def test_a_zip_bomb_named_xlsx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    problem = evidence_problem(SimpleUploadedFile("bombe.xlsx", buffer.getvalue()))
    assert "bombe de décompression" in problem
