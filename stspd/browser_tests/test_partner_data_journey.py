"""A coordinator imports a partner's file in Chromium, then opens the hot-spot map."""

import pytest
from playwright.sync_api import FilePayload, Page, expect

from stspd.partnerdata.models import Record
from stspd.partnerdata.tests.helpers import add_shapes

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in

pytestmark = pytest.mark.browser

LOGBOOK = (
    "N° main courante;Date;Nature de l'intervention;Longitude;Latitude;Nom du requérant\n"
    + "".join(
        f"MC-{i};0{1 + i % 9}/03/2026;{'Tapage' if i % 3 else 'Dépôt sauvage'};"
        f"1,0{9500 + i % 7 * 10};49,{4400 + i % 5 * 10};(fictif)\n"
        for i in range(60)
    )
).encode()


def test_coordinator_imports_a_logbook_and_opens_the_map(live_server, world, page: Page) -> None:  # type: ignore[no-untyped-def]
    add_shapes()
    base = live_server.url
    log_in(page, base, "coordination@example.org")
    page.goto(f"{base}/conseils/{world.council.pk}/")
    page.get_by_role("link", name="Données des partenaires").click()
    page.get_by_role("link", name="Nouvelle source de données").click()
    page.get_by_label("Nom").fill("Main courante PM")
    page.get_by_label("Partenaire").select_option(label="Préfecture de la Seine-Maritime")
    page.get_by_label("Type de données").select_option("police_logbook")
    page.get_by_role("button", name="Enregistrer").click()

    logbook: FilePayload = {"name": "mars.csv", "mimeType": "text/csv", "buffer": LOGBOOK}
    page.get_by_label("Fichier du partenaire").set_input_files(files=[logbook])
    page.get_by_role("button", name="Lire le fichier").click()
    expect(page.get_by_text("Colonne « Nom du requérant » ignorée")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "partnerdata-01-colonnes")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.get_by_label("Tapage (40 lignes)").select_option("new")
    page.get_by_label("Dépôt sauvage (20 lignes)").select_option("new")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer et voir l'aperçu").click()
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "partnerdata-02-apercu")
    page.get_by_role("button", name="Importer 60 lignes").click()
    # The import is a background task: its page shows the outcome and links to the report.
    expect(page.get_by_role("heading", name="Import de « mars.csv »")).to_be_visible()
    expect(page.get_by_text("Import terminé : 60 lignes, 60 faits.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "partnerdata-03-travail")
    assert sum(Record.objects.values_list("count", flat=True)) == 60
    page.get_by_role("link", name="Voir le rapport d'import").click()
    expect(page.get_by_role("heading", name="mars.csv", exact=True)).to_be_visible()

    page.goto(f"{base}/conseils/{world.council.pk}/donnees-partenaires/carte/")
    expect(page.locator(".leaflet-interactive").first).to_be_attached()
    assert_accessible(page)
    screenshot(page, "partnerdata-04-carte")
