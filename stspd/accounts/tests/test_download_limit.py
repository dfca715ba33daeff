"""Costly anonymous requests limited (issue 15: an anonymous strategy PDF cost 4.6 s of CPU and
nothing limited it): per address and minute, a French 429 with Retry-After beyond the limit."""

import time

import pytest
from django.urls import reverse

from stspd.accounts.models import DownloadCount
from stspd.public.tests.helpers import publish


@pytest.fixture
def csv_url(world):  # type: ignore[no-untyped-def]
    publish(world)
    return reverse("public:indicators_csv", args=[world.council.pk])


@pytest.fixture(autouse=True)
def _same_minute(monkeypatch):  # type: ignore[no-untyped-def]
    """Every request of a test falls in the same minute, 20 s before its end."""
    now = 60 * 29_000_000 + 40.0
    monkeypatch.setattr(time, "time", lambda: now)


def test_an_address_gets_a_french_429_beyond_the_limit_with_retry_after(  # type: ignore[no-untyped-def]
    client, settings, csv_url
) -> None:
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 3
    statuses = [client.get(csv_url, REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(csv_url, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"
    page = refused.content.decode()
    assert "Trop de téléchargements" in page and "Réessayez dans 20 secondes" in page
    # Another address is counted apart.
    assert client.get(csv_url, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_every_kind_of_public_file_counts_and_pages_do_not(client, settings, world) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 4
    pk = world.council.pk
    page = reverse("public:council", args=[pk])
    for _ in range(6):
        assert client.get(page).status_code == 200
    files = ["strategy_csv", "strategy_json", "indicators_csv", "indicators_json"]
    for name in files:
        assert client.get(reverse(f"public:{name}", args=[pk])).status_code == 200, name
    assert client.get(reverse("public:strategy_pdf", args=[pk])).status_code == 429
    assert client.get(reverse("public:catalogue")).status_code == 429
    assert client.get(page).status_code == 200


def test_signed_in_people_are_not_counted(client, settings, world, csv_url) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 1
    client.force_login(world.reader)
    assert [client.get(csv_url).status_code for _ in range(3)] == [200, 200, 200]
    assert not DownloadCount.objects.exists()


def test_the_address_is_the_one_the_trusted_proxy_saw(client, settings, csv_url) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 1
    settings.STSPD_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.get(csv_url, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code == 200
    assert client.get(csv_url, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code == 200
    assert client.get(csv_url, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code == 429


def test_finished_minutes_are_deleted(client, settings, csv_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 1
    assert client.get(csv_url).status_code == 200
    assert client.get(csv_url).status_code == 429
    monkeypatch.setattr(time, "time", lambda: 60 * 29_000_001 + 1.0)
    assert client.get(csv_url).status_code == 200
    assert list(DownloadCount.objects.values_list("minute", "count")) == [(29_000_001, 1)]
