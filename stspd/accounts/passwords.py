"""Password rules beyond Django's: common French and English passwords, and passwords made of
repeated or consecutive characters.

Why? Because the review had `aaaaaaaaaaaa`, `motdepasse123` and `azertyuiop12` accepted: twelve
characters, not all digits, absent from Django's English list. The lists are the ones attackers
try first, so a password is also refused when it is a listed one followed by up to six digits or
signs (`motdepasse` + `123`): that suffix is the first variation they try.
"""

import functools
import itertools
import re
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

FRENCH_LIST = Path(__file__).resolve().parent / "data" / "french-common-passwords.txt"
# What people add to a common word to pass a length or "one digit" rule: a year, a few digits,
# a sign or two. A longer suffix of digits and signs is a secret of its own.
_SUFFIX = re.compile(r"[\d\W_]+$")
MAX_SUFFIX = 6
# Rows of the AZERTY and QWERTY keyboards, and the digits: neighbours on a row are typed as a
# sequence ("azertyuiop", "qsdfgh", "asdf").
KEYBOARD_ROWS = (
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
)
_NEIGHBOURS = frozenset(
    pair for row in KEYBOARD_ROWS for a, b in itertools.pairwise(row) for pair in (a + b, b + a)
)
# A password of fewer runs than this (each run made of repeated, consecutive or neighbouring
# keys) is a pattern, not a secret: "azertyuiop12" is two runs.
MIN_RUNS = 4


@functools.cache
def common_passwords() -> frozenset[str]:
    """Django's 20,000 common (mostly English) passwords and the French list, lower case."""
    english = CommonPasswordValidator().passwords
    lines = FRENCH_LIST.read_text(encoding="utf-8").splitlines()
    french = {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}
    return frozenset(english | french)


def stem(password: str) -> str:
    """The password without the digits and signs at its end.

    >>> stem("motdepasse123"), stem("Soleil2024!"), stem("1234")
    ('motdepasse', 'Soleil', '1234')
    """
    return _SUFFIX.sub("", password) or password


class FrenchAndEnglishCommonPasswordValidator:
    """Refuse a password of the French or English lists, or one of them followed by digits or
    signs."""

    def validate(self, password: str, user: Any = None) -> None:
        known = common_passwords()
        lowered = password.strip().lower()
        base = stem(lowered)
        if lowered in known or (len(lowered) - len(base) <= MAX_SUFFIX and base in known):
            raise ValidationError(
                "Ce mot de passe est l'un des plus courants (ou l'un d'eux suivi de chiffres "
                "ou de signes) : il est essayé en premier par qui veut entrer dans un compte. "
                "Choisissez-en un autre, par exemple une phrase de plusieurs mots.",
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return "Votre mot de passe ne peut pas être un mot de passe couramment utilisé."


def runs(password: str) -> int:
    """Number of runs of repeated, consecutive or neighbouring-key characters.

    >>> runs("aaaaaaaaaaaa"), runs("azertyuiop12"), runs("abcd4321"), runs("Cheval-batterie")
    (1, 2, 2, 12)
    """
    text = password.lower()
    count = 1 if text else 0
    for a, b in itertools.pairwise(text):
        if not (a == b or abs(ord(a) - ord(b)) == 1 or a + b in _NEIGHBOURS):
            count += 1
    return count


class RepeatedOrSequentialCharactersValidator:
    """Refuse a password made of a few runs of the same character, of consecutive characters
    ("abcd", "1234") or of neighbouring keys ("azerty")."""

    def validate(self, password: str, user: Any = None) -> None:
        if runs(password) < MIN_RUNS:
            raise ValidationError(
                "Ce mot de passe est fait de caractères répétés ou qui se suivent (comme "
                "« aaaa », « 1234 » ou « azerty ») : il se devine vite. Choisissez-en un moins "
                "prévisible, par exemple une phrase de plusieurs mots.",
                code="password_repeated_or_sequential",
            )

    def get_help_text(self) -> str:
        return (
            "Votre mot de passe ne peut pas être fait de caractères répétés ou qui se suivent "
            "(« aaaa », « 1234 », « azerty »)."
        )
