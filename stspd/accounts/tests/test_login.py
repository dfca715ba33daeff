import datetime

from django.utils import timezone

from stspd.accounts.models import AccountMail
from stspd.conftest import PASSWORD


def test_login_with_email_and_password(world, client) -> None:  # type: ignore[no-untyped-def]
    # Addresses are stored in lower case; any case is accepted at login.
    response = client.post(
        "/comptes/connexion/", {"username": " Coordination@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_in_french(world, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/comptes/connexion/", {"username": "coordination@example.org", "password": "non"}
    )
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_logout_is_a_post(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    assert client.post("/comptes/deconnexion/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_working_link(world, client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    client.post("/comptes/mot-de-passe/oubli/", {"email": "lecteur@example.org"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert "Choisir un nouveau mot de passe" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "Un-nouveau-mot-2026", "new_password2": "Un-nouveau-mot-2026"}
    )
    world.reader.refresh_from_db()
    assert world.reader.check_password("Un-nouveau-mot-2026")


def test_password_reset_mails_are_limited_per_address_and_hour(
    world, client, mailoutbox, settings
) -> None:  # type: ignore[no-untyped-def]
    """Eight requests used to send eight mails; past the limit nothing is sent, and the
    requester sees the same page (no telling whether an account exists)."""
    answers = {
        client.post("/comptes/mot-de-passe/oubli/", {"email": "lecteur@example.org"})["Location"]
        for _ in range(8)
    }
    answers.add(
        client.post("/comptes/mot-de-passe/oubli/", {"email": "personne@example.org"})["Location"]
    )
    assert answers == {"/comptes/mot-de-passe/oubli/envoye/"}
    assert len(mailoutbox) == settings.STSPD_ACCOUNT_MAILS_PER_HOUR == 3
    # Another address has its own count; an hour later the address gets mails again.
    client.post("/comptes/mot-de-passe/oubli/", {"email": "partenaire@example.org"})
    assert len(mailoutbox) == 4
    AccountMail.objects.update(at=timezone.now() - datetime.timedelta(minutes=61))
    client.post("/comptes/mot-de-passe/oubli/", {"email": "lecteur@example.org"})
    assert len(mailoutbox) == 5
    # Rows older than the hour are gone: no history of addresses is kept.
    assert AccountMail.objects.count() == 1
