"""Login throttling and the login history."""

import datetime

from django.utils import timezone

from stspd.accounts.models import LoginAttempt
from stspd.conftest import PASSWORD

LOGIN = "/comptes/connexion/"
BLOCKED = "Trop de tentatives de connexion infructueuses"
UNLOCK = "/comptes/connexion/deblocage/"


def attempt(client, email: str, password: str, ip: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_every_login_is_recorded_with_who_when_and_ip(world, client) -> None:  # type: ignore[no-untyped-def]
    attempt(client, "lecteur@example.org", "faux")
    attempt(client, "Lecteur@Example.org", PASSWORD)
    failed, succeeded = LoginAttempt.objects.order_by("pk")
    assert (failed.email, failed.user, failed.succeeded, failed.ip) == (
        "lecteur@example.org",
        world.reader,
        False,
        "203.0.113.7",
    )
    assert (succeeded.user, succeeded.succeeded) == (world.reader, True)


def test_five_failures_from_one_source_lock_that_address_from_that_source_only(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        response = attempt(client, "lecteur@example.org", "faux", ip="198.51.100.1")
        assert BLOCKED not in response.content.decode()
    response = attempt(client, "lecteur@example.org", PASSWORD, ip="198.51.100.1")
    assert response.status_code == 200
    assert BLOCKED in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert LoginAttempt.objects.filter(throttled=True).count() == 1
    # The owner, elsewhere, is not locked out by someone else's failures (denial of service).
    assert attempt(client, "lecteur@example.org", PASSWORD, ip="198.51.100.2").status_code == 302
    # Another person from the same source is not blocked either.
    assert attempt(client, "partenaire@example.org", PASSWORD, ip="198.51.100.1").status_code == 302


def test_failures_from_many_sources_reach_the_address_ceiling(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    for index in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, "lecteur@example.org", "faux", ip=f"198.51.{index // 4}.{index % 4}")
    response = attempt(client, "lecteur@example.org", PASSWORD, ip="203.0.113.200")
    assert BLOCKED in response.content.decode()
    assert "lien de déblocage" in response.content.decode()


def lock_address(client, settings) -> None:  # type: ignore[no-untyped-def]
    for index in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, "lecteur@example.org", "faux", ip=f"198.51.{index // 4}.{index % 4}")


def unlock_link(mail) -> str:  # type: ignore[no-untyped-def]
    link = next(line for line in mail.body.splitlines() if "/deblocage/" in line)
    return str(link.split("testserver", 1)[1])


def test_the_owner_lifts_the_ceiling_with_the_link_sent_to_the_address(  # type: ignore[no-untyped-def]
    world, client, settings, mailoutbox
) -> None:
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    lock_address(client, settings)
    response = client.post(UNLOCK, {"email": "Lecteur@Example.org"})
    assert response["Location"] == "/comptes/connexion/deblocage/envoye/"
    assert [mail.to for mail in mailoutbox] == [["lecteur@example.org"]]
    link = unlock_link(mailoutbox[0])
    # Opening the link changes nothing (mail scanners open links); its button unlocks.
    assert "Débloquer ma connexion" in client.get(link).content.decode()
    assert (
        BLOCKED in attempt(client, "lecteur@example.org", PASSWORD, ip="1.2.3.4").content.decode()
    )
    assert "Connexion débloquée" in client.post(link).content.decode()
    assert attempt(client, "lecteur@example.org", PASSWORD, ip="1.2.3.4").status_code == 302
    # The history keeps the failures, and says they were cleared.
    assert LoginAttempt.objects.filter(succeeded=False, throttled=False, cleared=True).count() == 8
    assert (
        "débloqué par le lien envoyé par courriel"
        in client.get("/comptes/mon-compte/").content.decode()
    )


def test_an_expired_or_forged_unlock_link_unlocks_nothing(  # type: ignore[no-untyped-def]
    world, client, settings, mailoutbox
) -> None:
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    lock_address(client, settings)
    client.post(UNLOCK, {"email": "lecteur@example.org"})
    link = unlock_link(mailoutbox[0])
    settings.STSPD_UNLOCK_LINK_MINUTES = -1  # the link is older than its validity
    assert "Lien invalide ou expiré" in client.post(link).content.decode()
    settings.STSPD_UNLOCK_LINK_MINUTES = 60
    assert "Lien invalide ou expiré" in client.post(link[:-3] + "xyz/").content.decode()
    assert not LoginAttempt.objects.filter(cleared=True).exists()
    assert (
        BLOCKED in attempt(client, "lecteur@example.org", PASSWORD, ip="1.2.3.4").content.decode()
    )


def test_the_unlock_page_answers_the_same_for_an_unknown_address(world, client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    known = client.post(UNLOCK, {"email": "lecteur@example.org"})
    unknown = client.post(UNLOCK, {"email": "personne@example.org"})
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1


def test_the_block_ends_after_the_window(world, client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        attempt(client, "lecteur@example.org", "faux")
    LoginAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(client, "lecteur@example.org", PASSWORD).status_code == 302


def test_failures_from_one_ip_across_addresses_block_that_ip(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    for index in range(settings.LOGIN_FAILURES_PER_IP):
        attempt(client, f"inconnu{index}@example.org", "faux", ip="192.0.2.1")
    assert (
        BLOCKED in attempt(client, "lecteur@example.org", PASSWORD, ip="192.0.2.1").content.decode()
    )
    assert attempt(client, "lecteur@example.org", PASSWORD, ip="192.0.2.2").status_code == 302


def test_behind_the_proxy_the_forwarded_address_counts(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_PROXY_COUNT = 1
    client.post(
        LOGIN,
        {"username": "lecteur@example.org", "password": "faux"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.50, 198.51.100.20",
    )
    assert LoginAttempt.objects.get().ip == "198.51.100.20"


def test_the_admin_login_is_throttled_too(world, client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin@example.org", "password": "faux"})
    response = client.post("/admin/login/", {"username": "admin@example.org", "password": PASSWORD})
    assert BLOCKED in response.content.decode()


def test_a_person_reads_their_login_history(world, client, login) -> None:  # type: ignore[no-untyped-def]
    attempt(client, "lecteur@example.org", "faux", ip="203.0.113.9")
    attempt(client, "lecteur@example.org", PASSWORD, ip="203.0.113.9")
    attempt(client, "partenaire@example.org", "faux", ip="203.0.113.66")
    html = login(world.reader).get("/comptes/mon-compte/").content.decode()
    assert "mot de passe refusé" in html and "réussie" in html
    assert "203.0.113.9" in html
    assert "203.0.113.66" not in html  # another person's attempt


def test_the_site_admin_browses_every_login_attempt(world, client, login) -> None:  # type: ignore[no-untyped-def]
    attempt(client, "lecteur@example.org", "faux", ip="203.0.113.9")
    html = login(world.site_admin).get("/admin/accounts/loginattempt/").content.decode()
    assert "lecteur@example.org" in html and "203.0.113.9" in html
