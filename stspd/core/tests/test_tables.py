"""Every table of a page is reachable by keyboard when it scrolls (issue 14, item 9).

DSFR's `.fr-table > table` is `display: block; overflow: auto`: on a phone a wide table scrolls
inside the page, and a scrolling region a keyboard cannot focus fails axe-core's
`scrollable-region-focusable`. Each table is therefore focusable (`tabindex="0"`) and named by its
caption. PDF templates (`*_pdf.html`) are printed, not browsed.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
TABLE = re.compile(r"<table\b[^>]*>")


def page_templates() -> list[Path]:
    return sorted(
        p
        for p in TEMPLATES.rglob("*.html")
        if not p.name.endswith("_pdf.html") and "<table" in p.read_text()
    )


def test_there_are_tables_to_check() -> None:
    assert len(page_templates()) > 30


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_table_is_focusable_and_named(path: Path) -> None:
    text = path.read_text()
    for match in TABLE.finditer(text):
        line = text[: match.start()].count("\n") + 1
        assert 'tabindex="0"' in match.group(), f"line {line}: {match.group()}"
        body = text[match.end() :].split("</table>")[0]
        assert re.match(r"\s*<caption", body), f"line {line}: a table starts with its caption"
