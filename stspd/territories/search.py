"""Accent- and case-insensitive search keys, the same on SQLite and PostgreSQL.

Why a stored key rather than `unaccent`? Because SQLite has no such function and the suite runs on
both engines: the key is computed once at import and indexed.
"""

import re
import unicodedata


def search_key(text: str) -> str:
    """Fold a name for search: no accents, lower case, punctuation as spaces.

    >>> search_key("Saint-Étienne-du-Rouvray")
    'saint etienne du rouvray'
    >>> search_key("  L'Haÿ-les-Roses ")
    'l hay les roses'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).strip()
