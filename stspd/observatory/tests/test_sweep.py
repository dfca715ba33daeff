"""The sweep: every observatory page of every territory of the shipped real data answers.

The data: the full commune reference, the real SSMSI files shipped in the project
(Seine-Maritime 2016-2023, every commune; Haute-Garonne 2016-2024, a partial file of published
non-zero cells; Gironde 2017, every column) and the June 2025 département file. Real data has
what the demo does not: communes with no published year, one year only, every year suppressed,
zero everywhere, EPCI straddling two départements, municipal arrondissements.
"""

import pytest
from django.test import Client

from stspd.accounts.models import User
from stspd.demo.observatory import (
    COMMUNES_FILE,
    DEPARTEMENTS_FILE,
    GIRONDE_FILE,
    HAUTE_GARONNE_FILE,
)
from stspd.observatory.figures import communes_with_values
from stspd.observatory.importer import import_ssmsi
from stspd.observatory.models import Indicator
from stspd.observatory.sweep import (
    communes_of,
    epcis_of,
    foreign_words,
    sweep,
    territory_urls,
    visible_text,
)
from stspd.territories.importer import import_cog
from stspd.territories.models import Commune, CommuneKind, Epci

DEPARTEMENTS = ("76", "31", "33")

# Thousands of pages: run by `make test-sweep` (in CI after `make test`), not in the edit loop.
pytestmark = pytest.mark.sweep


@pytest.fixture
def real_data(db) -> Client:  # type: ignore[no-untyped-def]
    import_cog()
    for path in (COMMUNES_FILE, HAUTE_GARONNE_FILE, GIRONDE_FILE, DEPARTEMENTS_FILE):
        import_ssmsi(path)
    visitor = User.objects.create_user(email="balayage@example.org")
    client = Client(raise_request_exception=False)
    client.force_login(visitor)
    return client


def assert_clean(report) -> None:  # type: ignore[no-untyped-def]
    assert report.pages > report.territories
    assert report.failures == [], str(report)


@pytest.mark.parametrize("departement", DEPARTEMENTS)
def test_every_commune_page_and_its_csv_answers_in_french(real_data, departement) -> None:  # type: ignore[no-untyped-def]
    """The territory page and its CSV for every commune; indicator pages are swept for every
    EPCI (below) and for a sample of communes (their code is the same, a commune's data
    differs)."""
    communes = communes_of([departement])
    assert len(communes) > 500
    report = sweep(real_data, territory_urls(communes=communes), follow=("csv/",))
    # A commune with values offers its CSV; one absent from a partial file has none to offer.
    with_values = set().union(*(communes_with_values(i) for i in Indicator.objects.all()))
    assert report.pages == len(communes) + len(with_values & set(communes))
    assert_clean(report)


@pytest.mark.parametrize("departement", DEPARTEMENTS)
def test_every_page_of_every_epci_answers_in_french(real_data, departement) -> None:  # type: ignore[no-untyped-def]
    epcis = epcis_of([departement])
    assert len(epcis) >= 15
    report = sweep(real_data, territory_urls(epcis=epcis))
    assert_clean(report)


def test_every_page_of_a_sample_of_communes_answers_in_french(real_data) -> None:  # type: ignore[no-untyped-def]
    """Communes of each kind of series real data has, plus a fixed-seed sample."""
    import random

    named = [
        "76540",  # Rouen: every year published
        "76455",  # Morville-sur-Andelle... a commune that absorbed another since the file
        "31555",  # Toulouse: complete 2016-2024
        "31003",  # a few published cells only (a partial file)
        "31001",  # absent from the partial file: no value at all
        "33063",  # Bordeaux: one year (2017)
        "33001",  # every value of 2017 suppressed
        "75101",  # a municipal arrondissement of Paris: no data shipped
    ]
    pool = [code for dep in DEPARTEMENTS for code in communes_of([dep])]
    sample = named + random.Random(2026).sample(pool, 40)
    report = sweep(real_data, territory_urls(communes=sample))
    assert_clean(report)


def test_an_epci_over_two_departements_is_swept(real_data) -> None:  # type: ignore[no-untyped-def]
    straddling = [
        epci.siren
        for epci in Epci.objects.filter(communes__departement__code__in=DEPARTEMENTS).distinct()
        if epci.communes.values("departement").distinct().count() > 1
    ]
    assert straddling, "the reference has EPCI over two départements among 76, 31 and 33"
    report = sweep(real_data, territory_urls(epcis=straddling))
    assert_clean(report)


def test_the_sweep_catches_a_crash_and_english_text(real_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The sweep can fail: a page that raises is a 500, a Python None in the text is caught."""
    from stspd.observatory import views

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("attempt to get argmax of an empty sequence")

    monkeypatch.setattr(views, "summary", broken)
    report = sweep(real_data, territory_urls(communes=["76540"]))
    assert [(f.url, f.status) for f in report.failures] == [("/observatoire/commune/76540/", 500)]
    assert foreign_words(visible_text("<p>Taux : None</p><script>null</script>")) == ["None"]
    assert foreign_words("Nantes ; nanterre ; Non connu") == []


def test_the_reference_has_the_arrondissements_the_sweep_visits(real_data) -> None:  # type: ignore[no-untyped-def]
    assert Commune.objects.filter(code="75101").exclude(kind=CommuneKind.COMMUNE).exists()
