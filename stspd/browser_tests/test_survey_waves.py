"""The coordinator reads, on the tableau de bord, the indicator fed by two survey waves with the
change between them tested, then shows the survey's results in the diagnostic; axe-core finds no
violation on either page."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from crimestats.french import number
from stspd.steering.tests.test_survey_indicators import survey_use, wave

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in

pytestmark = pytest.mark.browser

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def test_the_coordinator_reads_the_waves_and_embeds_the_survey_in_the_diagnostic(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    wave(world, datetime.date(2026, 3, 31), women=(40, 10), men=(60, 30))
    second = wave(world, datetime.date(2026, 10, 31), women=(60, 6), men=(60, 18))
    use = survey_use(world)
    log_in(page, base, world.coordinator.email)

    page.goto(f"{base}/strategies/{world.strategy.pk}/tableau-de-bord/")
    section = page.locator(f"section[aria-labelledby='indicateur-{use.pk}']")
    expect(section.get_by_text("Évolution entre les deux dernières vagues")).to_be_visible()
    expect(section.get_by_text("évolution significative au seuil de 5 %")).to_be_visible()
    section.get_by_text("Tableau des valeurs").click()
    expect(section.get_by_text(f"{number(37.5, 1)} % (intervalle à 95 %")).to_be_visible()
    section.scroll_into_view_if_needed()
    shot = screenshot(page, "survey-waves-dashboard")
    assert shot.stat().st_size > 10_000
    assert_accessible(page, fail_on=EVERY_IMPACT)

    page.goto(f"{base}/enquetes/{second.pk}/")
    page.get_by_role("link", name="Montrer les résultats dans le diagnostic").click()
    page.get_by_label("Section du diagnostic").select_option(label=world.section.title)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le choix est enregistré.")).to_be_visible()

    page.goto(f"{base}/observatoire/diagnostic/{world.council.pk}/")
    embed = page.locator(f"[data-survey-embed='{second.pk}']")
    expect(
        embed.get_by_role("heading", name="Résultats de l'enquête « Enquête test »")
    ).to_be_visible()
    expect(embed.get_by_text("120 questionnaires")).to_be_visible()
    embed.scroll_into_view_if_needed()
    shot = screenshot(page, "survey-in-diagnostic")
    assert shot.stat().st_size > 10_000
    assert_accessible(page, fail_on=EVERY_IMPACT)
