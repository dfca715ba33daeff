import re

import pytest
from playwright.sync_api import Page, expect

from stspd.conftest import PASSWORD
from stspd.councils.models import Council

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes conseils", level=1)).to_be_visible()


def test_coordinator_opens_council_meeting_and_working_group(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    page.goto(f"{base}/comptes/connexion/")
    assert_accessible(page)
    screenshot(page, "01-connexion")

    log_in(page, base, "coordination@example.org")
    assert_accessible(page)
    screenshot(page, "02-mes-conseils")

    page.get_by_role("link", name="CISPD de la Métropole").click()
    expect(page.get_by_role("heading", name="CISPD de la Métropole", level=1)).to_be_visible()
    expect(
        page.get_by_role("cell", name="Préfecture de la Seine-Maritime", exact=True)
    ).to_be_visible()
    assert_accessible(page)
    screenshot(page, "03-conseil")

    page.get_by_role("link", name="12/03/2026 14:00").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formation plénière")
    expect(page.get_by_text("Compte rendu public")).to_be_visible()
    expect(page.get_by_role("cell", name="Diffuser le diagnostic", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "04-seance")

    page.get_by_role("link", name="CISPD de la Métropole").first.click()
    page.get_by_role("link", name="GT violences intrafamiliales").click()
    expect(page.get_by_role("heading", name="GT violences intrafamiliales")).to_be_visible()
    expect(page.get_by_text("Espace confidentiel")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "05-groupe-de-travail")

    page.get_by_role("link", name="12/03/2026 14:00 — Commissariat").click()
    expect(page.get_by_text("SECRET-MINUTES")).to_be_visible()
    assert_accessible(page)


def test_unsigned_member_signs_the_charter_in_the_browser(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, "gt-non-signe@example.org")
    page.goto(f"{base}/formations/{world.working_group.pk}/")
    expect(page.get_by_text("réservé à ses membres")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "06-acces-refuse")

    page.goto(f"{base}/formations/{world.working_group.pk}/charte/")
    assert_accessible(page)
    page.get_by_role("button", name="Je signe la charte").click()
    expect(page.get_by_text("Vous avez signé la charte")).to_be_visible()
    expect(page.get_by_role("heading", name="GT violences intrafamiliales")).to_be_visible()


def test_coordinator_finds_a_territory_and_opens_its_council(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, "exterieur@example.org")
    page.get_by_role("link", name="Territoires").first.click()
    page.get_by_label(re.compile("Commune, intercommunalité")).fill("dieppe")
    page.get_by_role("button", name="Rechercher").click()
    assert_accessible(page)
    page.get_by_role("link", name="Dieppe").click()
    page.get_by_role("link", name="Ouvrir le CLSPD").click()
    page.get_by_label("Président").fill("Maire de Dieppe")
    page.get_by_role("button", name="Ouvrir le conseil").click()
    # A new council waits for the site admin's approval before anyone works in it.
    expect(page.get_by_text("doit le valider avant que vous puissiez l'utiliser")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="CLSPD de Dieppe")).to_be_visible()
    council = Council.objects.get(name="CLSPD de Dieppe")
    assert page.context.browser is not None
    admin = page.context.browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
    log_in(admin, base, "admin@example.org")
    admin.goto(f"{base}/conseils/{council.pk}/validation/")
    assert_accessible(admin)
    admin.get_by_role("button", name="Valider le conseil").click()
    expect(admin.get_by_text("est validé")).to_be_visible()
    admin.context.close()

    page.goto(f"{base}/")
    page.get_by_role("link", name="CLSPD de Dieppe").click()
    expect(page.get_by_role("heading", name="CLSPD de Dieppe", level=1)).to_be_visible()
    # Its opener coordinates it: the coordinator's own links are there.
    expect(page.get_by_role("definition").filter(has_text="Éric Duval")).to_be_visible()
    expect(page.get_by_role("link", name="Modifier le conseil")).to_be_visible()
    assert_accessible(page)
