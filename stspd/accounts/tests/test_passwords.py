"""Weak passwords refused in French: common French and English ones, repeats and sequences."""

import doctest
import html

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from stspd.accounts import passwords

COMMON = "l'un des plus courants"
PATTERN = "caractères répétés ou qui se suivent"


def refusals(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as error:
        return list(error.messages)
    return []


def test_the_examples_of_the_module_hold() -> None:
    assert doctest.testmod(passwords).failed == 0


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaaaa", PATTERN),
        ("motdepasse123", COMMON),
        ("azertyuiop12", PATTERN),
        ("azertyuiop12", COMMON),
        ("Marseille2024!", COMMON),  # French list, a year and a sign added
        ("password1234", COMMON),  # Django's English list
        ("abcdefghijklmn", PATTERN),
        ("qsdfghjklm987", PATTERN),
    ],
)
def test_weak_passwords_are_refused_with_a_french_reason(password: str, reason: str) -> None:
    assert any(reason in message for message in refusals(password)), refusals(password)


@pytest.mark.parametrize(
    "password",
    ["cheval batterie agrafe", "Un-nouveau-mot-2026", "Z9qm!47xk$Lp", "soleil-8391047261"],
)
def test_unpredictable_passwords_are_accepted(password: str) -> None:
    assert refusals(password) == []


def test_the_french_list_ships_with_its_provenance() -> None:
    text = passwords.FRENCH_LIST.read_text(encoding="utf-8")
    assert "https://github.com/tarraschk/richelieu" in text and "CC BY 4.0" in text
    assert {"motdepasse", "azertyuiop", "doudou"} <= passwords.common_passwords()


def test_setting_a_weak_password_by_the_reset_link_is_refused_in_french(  # type: ignore[no-untyped-def]
    world, client, mailoutbox
) -> None:
    client.post("/comptes/mot-de-passe/oubli/", {"email": "lecteur@example.org"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/nouveau/" in line)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "motdepasse123", "new_password2": "motdepasse123"}
    )
    assert COMMON in html.unescape(response.content.decode())
    world.reader.refresh_from_db()
    assert not world.reader.check_password("motdepasse123")
