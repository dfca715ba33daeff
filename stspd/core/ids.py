"""Identifiers typed in URLs, filters and cells: ASCII digits only.

Why? Because `str.isdigit()` accepts "²", "٣" or "১", which `int()` then refuses or reads
otherwise: a filter `?axe=²` answered 500. Every identifier read from a person goes through here.
"""

import re

# The database's integers (PostgreSQL `integer`): a larger id is no id, not a database error.
MAX_ID = 2_147_483_647
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(text: str) -> bool:
    """>>> is_ascii_digits("42"), is_ascii_digits("²"), is_ascii_digits(""), is_ascii_digits("4 2")
    (True, False, False, False)
    """
    return _ASCII_DIGITS.fullmatch(text) is not None


def parse_id(text: str | None) -> int | None:
    """A positive identifier, or None for anything else (empty, signs, spaces, other digits).

    >>> parse_id("12"), parse_id("²"), parse_id("0"), parse_id("-1"), parse_id("99999999999")
    (12, None, None, None, None)
    """
    if text is None or not is_ascii_digits(text) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
