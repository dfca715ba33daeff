"""In Chromium: a coordinator adopts and signs a second strategy for the council; the first
strategy's public page, its signed PDF, its published review and its CSV still answer 200 with
the same bytes as before (issue 14: the public record is an archive)."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, FilePayload, Page, expect

from stspd.public.tests.test_archive import first_strategy_signed_with_a_review
from stspd.strategy.enums import Status
from stspd.strategy.models import Axis, Objective, Strategy

from .conftest import assert_accessible
from .test_coordinator_journey import log_in
from .test_strategy_journey import DELIBERATION_PDF, tick

pytestmark = pytest.mark.browser


def public_bytes(browser: Browser, base: str, urls: list[str]) -> dict[str, bytes]:
    """What an anonymous visitor downloads (a fresh browser context, no cookie)."""
    context = browser.new_context()
    try:
        answers = {}
        for url in urls:
            response = context.request.get(base + url)
            assert response.status == 200, url
            answers[url] = response.body()
        return answers
    finally:
        context.close()


def test_a_second_signed_strategy_leaves_the_first_ones_public_files_unchanged(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, browser: Browser, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    first = first_strategy_signed_with_a_review(world)
    ids = [world.council.pk, first.pk]
    urls = [
        reverse("public:archive", args=ids),
        reverse("public:archive_pdf", args=ids),
        reverse("public:archive_report", args=[*ids, 2026]),
        reverse("public:archive_indicators_csv", args=ids),
        reverse("public:annual_report", args=[world.council.pk, 2026]),  # the old address
    ]
    before = public_bytes(browser, base, urls)
    assert before[urls[1]].startswith(b"%PDF") and before[urls[2]].startswith(b"%PDF")
    assert len(before[urls[3]].decode("utf-8-sig").splitlines()) > 1  # not a header only

    # The next mandate's strategy, its axes debated: the coordinator adopts and signs it.
    second = Strategy.objects.create(
        council=world.council,
        title="Stratégie territoriale 2029-2031",
        starts_on=datetime.date(2029, 1, 1),
        ends_on=datetime.date(2031, 12, 31),
        status=Status.ORIENTATION_DEBATED,
    )
    axis = Axis.objects.create(strategy=second, position=1, title="Prévention des jeunes")
    # Justified rather than quantified: the council adopts only a quantified strategy.
    Objective.objects.create(
        axis=axis,
        position=1,
        statement="Réduire le décrochage",
        unquantified_reason="Suivi qualitatif par les établissements.",
    )
    log_in(page, base, "coordination@example.org")
    page.goto(f"{base}/strategies/{second.pk}/adoption/")
    page.get_by_role("link", name="Enregistrer l'adoption par le conseil").click()
    page.get_by_label("Séance de la formation plénière").select_option(index=1)
    tick(page, "Consensus")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.get_by_role("link", name="Enregistrer la délibération").click()
    page.get_by_label("Assemblée").fill("Conseil de la Métropole Rouen Normandie")
    page.get_by_label("Date de la séance").fill(datetime.date.today().isoformat())
    page.get_by_label("Numéro de la délibération").fill("C2026-0999")
    page.get_by_label("Voix pour").fill("70")
    page.get_by_label("Voix contre").fill("3")
    page.get_by_label("Abstentions").fill("5")
    page.get_by_label("Délibération (PDF)").set_input_files(
        files=FilePayload(
            name="deliberation.pdf", mimeType="application/pdf", buffer=DELIBERATION_PDF
        )
    )
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.get_by_role("link", name="Ajouter une signature").first.click()
    page.get_by_label("Organisation signataire").select_option(
        label="Préfecture de la Seine-Maritime"
    )
    page.locator("#id_signatory").fill("Le préfet de la Seine-Maritime")
    page.get_by_label("Signée le").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Enregistrer la signature").click()
    page.get_by_role("link", name="Enregistrer les signatures").click()
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.get_by_text("Signée").first).to_be_visible()
    second.refresh_from_db()
    assert second.status == Status.SIGNED

    # The first strategy's public files: the same bytes.
    after = public_bytes(browser, base, urls)
    for url in urls:
        assert after[url] == before[url], url

    # The council's page lists both, each with its period; the visitor reaches the first.
    visitor = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    try:
        public = visitor.new_page()
        public.goto(base + reverse("public:council", args=[world.council.pk]))
        table = public.get_by_role("table")
        expect(table.get_by_role("row", name="Stratégie territoriale 2026-2028")).to_contain_text(
            "en vigueur"
        )
        expect(table.get_by_role("row", name="Stratégie territoriale 2029-2031")).to_contain_text(
            "à venir"
        )
        table.get_by_role("link", name="Stratégie territoriale 2026-2028").click()
        public.wait_for_url(f"**{urls[0]}")
        expect(public.get_by_role("heading", level=1)).to_have_text(
            "Stratégie territoriale 2026-2028"
        )
    finally:
        visitor.close()
    page.goto(base + urls[0])
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
