"""The legal pages: linked from every page, generated from the settings the code applies."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stspd.core.legal import REGISTER_HEADER, processings
from stspd.councils.retention import retention_limit


def test_every_page_links_the_legal_pages_in_its_footer(client, world) -> None:  # type: ignore[no-untyped-def]
    for url in [reverse("login"), reverse("public:index"), reverse("legal_notice")]:
        footer = client.get(url).content.decode().split('id="pied-de-page"')[1]
        for name in ("legal_notice", "legal_personal_data", "legal_accessibility"):
            assert f'href="{reverse(name)}"' in footer, (url, name)
        assert "Accessibilité : non conforme" in footer


def test_the_legal_notice_shows_what_the_operator_filled_in(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_PUBLISHER_NAME = "Métropole Rouen Normandie"
    settings.STSPD_PUBLICATION_DIRECTOR = "Nicolas Mayer-Rossignol"
    settings.STSPD_HOST_NAME = "Hébergeur Exemple SAS"
    settings.STSPD_HOST_ADDRESS = "1 rue de l'Exemple, 59100 Roubaix"
    settings.STSPD_HOST_PHONE = "01 23 45 67 89"
    page = client.get(reverse("legal_notice")).content.decode()
    for value in ["Métropole Rouen Normandie", "Nicolas Mayer-Rossignol", "Hébergeur Exemple SAS"]:
        assert value in page
    assert "1 rue de l&#x27;Exemple, 59100 Roubaix" in page
    # What is missing says so rather than showing nothing.
    assert "à renseigner par l'exploitant" in page


@pytest.mark.parametrize("years", [5, 7])
def test_the_personal_data_page_states_the_retention_the_purge_applies(  # type: ignore[no-untyped-def]
    client, settings, years
) -> None:
    settings.STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS = years
    page = client.get(reverse("legal_personal_data")).content.decode()
    assert f"{years} ans après la réunion" in page
    # ...and the purge uses the same number of years.
    limit = retention_limit()
    from django.utils import timezone

    assert timezone.now().year - limit.year == years


def test_the_register_is_exported_for_the_site_admin_only(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    assert client.get(reverse("legal_register_csv")).status_code == 403
    client.force_login(world.site_admin)
    text = client.get(reverse("legal_register_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == REGISTER_HEADER
    assert [row[0] for row in rows[1:]] == [p.name for p in processings()]
    minutes = next(row for row in rows if row[0] == "Comptes rendus des groupes de travail")
    assert minutes[6].startswith("5 ans après la réunion")
    workbook = load_workbook(io.BytesIO(client.get(reverse("legal_register_xlsx")).content))
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == REGISTER_HEADER
    assert sheet.max_row == len(rows)
    # RGPD art. 30(1): every processing says its purpose, basis, people, data and retention.
    for processing in processings():
        assert all([processing.purpose, processing.legal_basis, processing.subjects])
        assert all([processing.data, processing.recipients, processing.retention()])


def test_the_accessibility_statement_follows_the_last_audit(client, settings) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("legal_accessibility")).content.decode()
    assert "<strong>non conforme</strong>" in page
    assert "axe-core" in page
    settings.STSPD_ACCESSIBILITY_AUDIT_DATE = "2026-03-02"
    settings.STSPD_ACCESSIBILITY_AUDIT_RATE = 74.5
    page = client.get(reverse("legal_accessibility")).content.decode()
    assert "<strong>partiellement conforme</strong>" in page
    assert "02/03/2026" in page and "74,5 %" in page
    settings.STSPD_ACCESSIBILITY_AUDIT_RATE = 100.0
    assert (
        "<strong>totalement conforme</strong>"
        in client.get(reverse("legal_accessibility")).content.decode()
    )
    settings.STSPD_ACCESSIBILITY_AUDIT_RATE = 42.0
    assert (
        "<strong>non conforme</strong>"
        in client.get(reverse("legal_accessibility")).content.decode()
    )


def test_every_html_page_of_the_coordinator_links_the_legal_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    from stspd.core.tests.test_permissions import EXPECTATIONS

    client.force_login(world.coordinator)
    links = [f'href="{reverse(n)}"' for n in ("legal_notice", "legal_personal_data")]
    links.append(f'href="{reverse("legal_accessibility")}"')
    pages = 0
    for name, (kwargs, expected, query) in EXPECTATIONS.items():
        if expected["coordinator"] != 200 or name.startswith("api:"):
            continue
        url = reverse(name, kwargs=kwargs(world))
        if url.endswith((".pdf", ".docx", ".csv", ".xlsx", ".json", ".jsonld")):
            continue  # files, not pages (and rendering the PDFs is slow)
        response = client.get(url + query)
        if not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        footer = response.content.decode().split('id="pied-de-page"')[-1]
        assert all(link in footer for link in links), name
    assert pages > 40
