"""Personal data kept out of partners' files (RGPD art. 5.1.c, minimisation).

`crimestats.partner_files` drops the columns that name people when the file is read (headers
and content). What is left can still carry a person inside a cell: "Tapage chez M. Jean Dupont"
as a category, a telephone number in an observation. So:

- when a file is staged, every kept cell is scanned: e-mail addresses and telephone numbers
  everywhere; person names ("M. Jean Dupont", "Jean DUPONT", "DUPONT Jean") in every column
  except those that hold a place (commune, address: "Avenue Jean JAURÈS" is a street);
- when the coordinator maps the columns, the columns that play no role are dropped from the
  stored table (a free-text column is kept only when mapped), and the category column is
  scanned again for names whatever its header said;
- each mention is replaced by "[retiré]" and counted; the preview says how many.
"""

import re

from crimestats.partner_files import Table, guess_roles

REMOVED = "[retiré]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_FIRST = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_SURNAME = rf"[{_UPPER}][{_UPPER}'-]+"
_PLAIN_SURNAME = rf"[{_UPPER}][{_LOWER}]+(?:[-'][{_UPPER}][{_LOWER}]+)?"
PERSON = re.compile(
    # A civility and one or two capitalised words: "M. Dupont", "Mme Marie Durand".
    rf"\b(?:M|Mme|Mlle|Mr|Me|Dr|Monsieur|Madame|Mademoiselle)\.?\s+"
    rf"(?:{_FIRST}\s+)?(?:{_SURNAME}|{_PLAIN_SURNAME})\b"
    # A first name then a surname in capitals, or the other way round: "Jean DUPONT",
    # "DUPONT Jean".
    rf"|\b{_FIRST}\s+{_SURNAME}\b(?![{_LOWER}])"
    rf"|\b{_SURNAME}\s+{_FIRST}\b(?![{_UPPER}])"
)
PLACE_ROLES = ("commune", "address")


def scrub(text: str, *, names: bool) -> tuple[str, int]:
    """The text with e-mail addresses, telephone numbers and (if `names`) person names
    replaced by "[retiré]", and how many were.

    >>> scrub("Tapage chez M. Jean Dupont, rappel 06 12 34 56 78", names=True)
    ('Tapage chez [retiré], rappel [retiré]', 2)
    >>> scrub("Signalé par jean.dupont@example.org", names=False)
    ('Signalé par [retiré]', 1)
    >>> scrub("Dépôt sauvage", names=True), scrub("Avenue Jean JAURES", names=False)
    (('Dépôt sauvage', 0), ('Avenue Jean JAURES', 0))
    """
    count = 0
    patterns = [EMAIL, PHONE, PERSON] if names else [EMAIL, PHONE]
    for pattern in patterns:
        text, found = pattern.subn(REMOVED, text)
        count += found
    return text, count


def scrub_table(table: Table, *, place_headers: set[str]) -> tuple[Table, int]:
    """Every cell scanned (names only outside the place columns); the table and the count."""
    total = 0
    rows = []
    for line, cells in table.rows:
        clean = []
        for header, cell in zip(table.headers, cells, strict=True):
            text, found = scrub(cell, names=header not in place_headers)
            total += found
            clean.append(text)
        rows.append((line, clean))
    return Table(table.headers, rows, table.notices, table.dropped), total


def scrub_staged(table: Table) -> tuple[Table, int]:
    """When a file is staged: the columns guessed as places keep their names."""
    roles = guess_roles(table.headers)
    return scrub_table(table, place_headers={roles[r] for r in PLACE_ROLES if r in roles})


def keep_mapped(table: Table, columns: dict[str, str]) -> tuple[Table, int, list[str]]:
    """Only the mapped columns, the category scanned for names: the table, the count of
    mentions removed and the headers dropped."""
    mapped = set(columns.values())
    keep = [i for i, header in enumerate(table.headers) if header in mapped]
    dropped = [h for h in table.headers if h not in mapped]
    kept = Table(
        [table.headers[i] for i in keep],
        [(line, [cells[i] for i in keep]) for line, cells in table.rows],
        table.notices,
        table.dropped,
    )
    places = {columns[r] for r in PLACE_ROLES if r in columns}
    scrubbed, count = scrub_table(kept, place_headers=places)
    return scrubbed, count, dropped
