"""The one writer of every CSV row and XLSX cell the platform produces (formula injection).

Why? Because a spreadsheet reads a cell starting with `=`, `+`, `-` or `@` as a formula: an
action title `=HYPERLINK("http://…","x")` became a live link in the action plan, and the public
open-data files carried such names to anonymous visitors. A tab or a carriage return at the start
hides the same payload from a quick look. Such a text gets a leading apostrophe (OWASP's advice
for CSV injection), in CSV and in XLSX alike:

- in CSV, the apostrophe is what every spreadsheet shows as "this is text";
- in XLSX, openpyxl writes a string starting with `=` as a formula (it infers the cell's
  `data_type` "f"), and the others as strings. Every text cell is written with `data_type` "s",
  and the apostrophe is kept in the text itself rather than in Excel's `quotePrefix` style:
  Excel drops that style when the workbook is saved as CSV, and a partner who re-saves the
  exported plan as CSV would hand the formula to the next reader.

Numbers stay numbers: an int, float or Decimal is a numeric cell, and a text that is only a
number ("-12,5", the French form the CSV files use) is not a formula and stays as it is.
The apostrophe is added so that `original_text` undoes it exactly: the action plan's spreadsheet
comes back with the titles it went out with.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

# What a spreadsheet reads as the start of a formula (tab and carriage return: OWASP's list).
FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})
QUOTE = "'"
# A plain number, with a decimal point or a French decimal comma: never a formula.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

Cell = str | int | float | Decimal | datetime.date | None


def _needs_quote(text: str) -> bool:
    # Leading apostrophes are looked through, so that a text which itself starts with an
    # apostrophe before a formula character gets one more: `original_text` stays exact.
    return text.lstrip(QUOTE)[:1] in FORMULA_STARTS and _PLAIN_NUMBER.fullmatch(text) is None


def safe_text(text: str) -> str:
    """A text a spreadsheet shows as text.

    >>> safe_text('=HYPERLINK("http://x","x")'), safe_text("@SUM(A1)"), safe_text("Médiation")
    ('\\'=HYPERLINK("http://x","x")', "'@SUM(A1)", 'Médiation')
    >>> safe_text("-12,5"), safe_text("- item"), safe_text("'=1")
    ('-12,5', "'- item", "''=1")
    """
    return QUOTE + text if _needs_quote(text) else text


def original_text(text: str) -> str:
    """The text `safe_text` was given (for a file of ours read back).

    >>> original_text("'=1+1"), original_text("''=1"), original_text("'Rouen'")
    ('=1+1', "'=1", "'Rouen'")
    """
    if text[:1] == QUOTE and _needs_quote(text[1:]):
        return text[1:]
    return text


def csv_cell(value: Cell) -> str:
    """One CSV cell: nothing for None, numbers as they are, texts made safe.

    >>> csv_cell(None), csv_cell(-3), csv_cell(Decimal("-1.50")), csv_cell("+33 1 23")
    ('', '-3', '-1.50', "'+33 1 23")
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def csv_document(
    header: Sequence[str],
    rows: Iterable[Iterable[Cell]],
    *,
    line_end: str = "\r\n",
    byte_order_mark: bool = True,
) -> str:
    """A CSV file as a French spreadsheet opens it: `;`, UTF-8 with a byte-order mark."""
    out = io.StringIO()
    if byte_order_mark:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator=line_end)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def append_row(sheet: Any, values: Iterable[Cell]) -> None:
    """Append a row to an openpyxl worksheet: texts as string cells (never formulas), numbers
    and dates as themselves."""
    values = list(values)
    sheet.append([safe_text(v) if isinstance(v, str) else v for v in values])
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"
