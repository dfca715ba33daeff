"""Identifiers from people: ASCII digits only, so "²" (a digit to str.isdigit) is no 500."""

import re
from pathlib import Path

import pytest

from stspd.core.ids import is_ascii_digits, parse_id

SUPERSCRIPT_TWO = "%C2%B2"  # "²", as a browser sends it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("99999999999999999999", None),
        ("0", None),
        ("²", None),
        ("٣", None),
        ("1 ", None),
        ("+1", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_id_reads_ascii_digits_within_the_databases_integers(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_id(text) == expected


def test_unicode_digits_are_not_ascii_digits() -> None:
    assert is_ascii_digits("0123456789")
    assert not any(is_ascii_digits(text) for text in ("²", "١٢", "১", ""))


def test_a_unicode_digit_in_an_id_or_a_filter_is_a_404_or_ignored_never_a_500(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    strategy = world.strategy.pk
    answers = {
        f"/observatoire/conseil/{SUPERSCRIPT_TWO}/": 404,
        f"/observatoire/commune/76540/csv/?indicateur={SUPERSCRIPT_TWO}": 404,
        f"/strategies/{strategy}/tableau-de-bord/?axe={SUPERSCRIPT_TWO}": 200,
        f"/strategies/{strategy}/tableau-de-bord/?pilote={SUPERSCRIPT_TWO}": 200,
        f"/strategies/{strategy}/document/?version={SUPERSCRIPT_TWO}": 404,
        f"/strategies/{strategy}/versions/comparer/?de={SUPERSCRIPT_TWO}&a=1": 200,
    }
    assert {url: client.get(url).status_code for url in answers} == answers


def test_no_code_parses_an_identifier_without_the_helper() -> None:
    """`str.isdigit()`, `isnumeric()` and `isdecimal()` accept "²" or Arabic-Indic digits, which
    `int()` then refuses or reads otherwise: only stspd/core/ids.py reads digits from a person."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\.is(digit|numeric|decimal)\(\)|int\(\s*request\.")
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path.name != "ids.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
