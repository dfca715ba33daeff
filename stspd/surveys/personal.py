"""Free texts of the answers scanned for personal data, with the patterns partners' files are
scanned with (crimestats.partner_files: e-mail, French phone number, "Prénom NOM" names), here
searched inside a sentence rather than matched against a whole cell."""

from __future__ import annotations

import re

from crimestats.partner_files import EMAIL, PERSON_NAME, PHONE


def _inside(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The whole-cell pattern, unanchored, bounded by non-word characters."""
    body = pattern.pattern.removeprefix("^").removesuffix("$")
    return re.compile(rf"(?<![\w@.+-])(?:{body})(?![\w@])", pattern.flags)


FOUND = [
    (_inside(EMAIL), "une adresse électronique"),
    (_inside(PHONE), "un numéro de téléphone"),
    (_inside(PERSON_NAME), "ce qui ressemble au nom d'une personne (Prénom NOM)"),
]
REDACTED = "[donnée personnelle retirée]"


def personal_data_problem(text: str) -> str:
    """Why the text cannot be kept as written (French), or ""."""
    for pattern, what in FOUND:
        if match := pattern.search(text):
            return (
                f"Votre réponse contient {what} (« {match.group(0)} ») : les réponses sont "
                "anonymes, retirez-la avant d'envoyer."
            )
    return ""


def redact(text: str) -> tuple[str, int]:
    """The text with every personal datum replaced, and how many were replaced."""
    replaced = 0
    for pattern, _ in FOUND:
        text, count = pattern.subn(REDACTED, text)
        replaced += count
    return text, replaced
