"""Login throttling and the login history."""

import datetime

from django.utils import timezone

from stspd.accounts.models import LoginAttempt
from stspd.conftest import PASSWORD

LOGIN = "/comptes/connexion/"
BLOCKED = "Trop de tentatives de connexion infructueuses"


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


def test_five_failures_for_an_address_block_even_the_right_password(world, client) -> None:  # type: ignore[no-untyped-def]
    for index in range(5):
        response = attempt(client, "lecteur@example.org", "faux", ip=f"198.51.100.{index}")
        assert BLOCKED not in response.content.decode()
    response = attempt(client, "lecteur@example.org", PASSWORD, ip="198.51.100.99")
    assert response.status_code == 200
    assert BLOCKED in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert LoginAttempt.objects.filter(throttled=True).count() == 1
    # Another person is not blocked.
    assert attempt(client, "partenaire@example.org", PASSWORD).status_code == 302


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
