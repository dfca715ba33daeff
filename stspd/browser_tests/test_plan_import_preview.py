"""In Chromium: the coordinator imports an action plan that deletes a fiche. The preview shows
the deletion, the import is refused until it is confirmed, then applied and undone (issue 14,
item 5)."""

import pytest
from playwright.sync_api import FilePayload, Page, expect

from stspd.strategy.models import Action
from stspd.strategy.snapshot import snapshot
from stspd.strategy.tests.test_documents import enrich
from stspd.strategy.tests.test_plan_imports import drop_action
from stspd.strategy.tests.test_spreadsheet import saved, workbook_of

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in
from .test_strategy_journey import tick

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_import_deleting_a_fiche_is_previewed_confirmed_and_undone(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    enrich(world)
    before = snapshot(world.strategy.pk)
    action = world.action
    workbook = workbook_of(world)  # type: ignore[no-untyped-call]  # a test helper of the strategy room, untyped like its tests
    drop_action(workbook, action.key)
    content = saved(workbook)

    log_in(page, base, world.coordinator.email)
    page.goto(f"{base}/strategies/{world.strategy.pk}/document/")
    page.get_by_role("link", name="Importer le plan d'action modifié").click()
    page.get_by_label("Classeur du plan d'action").set_input_files(
        files=FilePayload(name="plan-sans-mediation.xlsx", mimeType=XLSX, buffer=content)
    )
    page.get_by_role("button", name="Vérifier et voir l'aperçu").click()
    expect(page.get_by_role("heading", name="Aperçu de l'import du plan d'action")).to_be_visible()
    expect(page.get_by_role("heading", name="1 suppression")).to_be_visible()
    deleted = page.locator(f"#element-{action.key}")
    expect(deleted).to_contain_text("Suppression")
    expect(deleted).to_contain_text(action.title)
    assert_accessible(page)
    screenshot(page, "plan-import-preview")
    assert snapshot(world.strategy.pk) == before

    page.get_by_role("button", name="Appliquer l'import").click()
    expect(page.get_by_text("cochez la case de confirmation")).to_be_visible()
    assert Action.objects.filter(pk=action.pk).exists()
    assert_accessible(page)

    tick(page, "Je confirme la suppression de 1 fiche action")
    page.get_by_role("button", name="Appliquer l'import").click()
    expect(page.get_by_text("Plan d'action importé")).to_be_visible()
    assert not Action.objects.filter(pk=action.pk).exists()

    page.get_by_role("link", name="Annuler cet import").click()
    expect(page.locator(f"#element-{action.key}")).to_contain_text("Ajout")
    assert_accessible(page)
    page.get_by_role("button", name="Annuler cet import").click()
    expect(page.get_by_text("Import annulé")).to_be_visible()
    assert snapshot(world.strategy.pk) == before
    assert Action.objects.filter(pk=action.pk).exists()
