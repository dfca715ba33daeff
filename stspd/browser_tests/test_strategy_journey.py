"""The strategy's whole journey in a real browser: drafted, checked, reviewed by a partner,
amended, adopted, deliberated, signed, and its signed PDF downloaded."""

import datetime
import io

import pytest
from playwright.sync_api import FilePayload, Locator, Page, expect
from pypdf import PdfReader

from stspd.councils.enums import Role
from stspd.councils.models import CouncilRole

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in

pytestmark = pytest.mark.browser

# The smallest real PDF a deliberation could be (header, one empty page, trailer).
DELIBERATION_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def tick(scope: Page | Locator, label: str) -> None:
    """DSFR draws checkboxes and radios under their label: a person clicks the label."""
    scope.locator("label", has_text=label).first.click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_strategy_from_draft_to_signed_pdf(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    strategy, action = world.strategy, world.action
    # The partner sits in the council's plenary for the vote; the reviewer is a partner.
    assert CouncilRole.objects.filter(user=world.partner, role=Role.PARTNER).exists()

    # 1. The coordinator drafts: the fiche action gets its description.
    log_in(page, base, "coordination@example.org")
    page.goto(f"{base}/strategies/{strategy.pk}/")
    expect(page.get_by_role("heading", name=strategy.title, level=1)).to_be_visible()
    page.get_by_role("link", name=action.title).click()
    page.get_by_role("link", name="Modifier la fiche").click()
    page.locator("#id_description").fill("Deux médiateurs de 20 h à minuit, du jeudi au samedi.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Deux médiateurs de 20 h à minuit")).to_be_visible()
    screenshot(page, "strategie-01-fiche-action")

    # 2. The readiness check passes.
    page.goto(f"{base}/strategies/{strategy.pk}/preparation/")
    expect(page.get_by_role("heading", name="La stratégie est-elle prête ?")).to_be_visible()
    expect(page.get_by_text("La stratégie est prête")).to_be_visible()
    assert_accessible(page)

    # 3. A review round goes to the partner.
    page.goto(f"{base}/strategies/{strategy.pk}/allers-retours/")
    page.get_by_role("link", name="Ouvrir un aller-retour").click()
    tick(page, "Paul Girard (partenaire@example.org)")
    deadline = datetime.date.today() + datetime.timedelta(days=14)
    page.get_by_label("Date limite des retours").fill(deadline.isoformat())
    page.get_by_label("Message aux relecteurs").fill("Vos retours sous quinze jours, merci.")
    page.get_by_role("button", name="Figer et envoyer").click()
    expect(page.get_by_role("heading", name="Relecture de la version 1")).to_be_visible()
    round_url = page.url
    log_out(page)

    # 4. The partner comments on the action and proposes an amendment of its title.
    log_in(page, base, "partenaire@example.org")
    page.goto(round_url)
    assert_accessible(page)
    key = action.key
    page.get_by_role("button", name="Commenter ou amender : Fiche action 1.1.1").click()
    form = page.locator(f"#formulaire-{key}")
    tick(form, "Proposition d'amendement")
    form.get_by_label("Commentaire ou raison de l'amendement").fill(
        "Le titre doit dire que la médiation couvre aussi les transports."
    )
    form.get_by_label("Champ amendé").select_option(label="Intitulé")
    form.get_by_label("Nouvelle rédaction ou valeur").fill(
        "Médiation de nuit dans les quartiers et les transports"
    )
    form.get_by_role("button", name="Envoyer la remarque").click()
    expect(page.get_by_text("Le titre doit dire que la médiation couvre aussi")).to_be_visible()
    screenshot(page, "strategie-02-amendement")
    log_out(page)

    # 5. The coordinator accepts the amendment: the working copy changes.
    log_in(page, base, "coordination@example.org")
    page.goto(round_url)
    page.get_by_role("link", name="Accepter ou rejeter").first.click()
    tick(page, "Accepter")
    page.get_by_label("Motif").fill("Les transports sont dans le périmètre.")
    page.get_by_role("button", name="Enregistrer").click()
    page.goto(f"{base}/strategies/{strategy.pk}/")
    expect(
        page.get_by_role("link", name="Médiation de nuit dans les quartiers et les transports")
    ).to_be_visible()

    # 6. Orientation debate, adoption by consensus, deliberation, signature, signed.
    page.goto(f"{base}/strategies/{strategy.pk}/adoption/")
    page.get_by_role("link", name="Enregistrer le débat d'orientation (axes adoptés)").click()
    page.get_by_label("Séance de la formation plénière").select_option(index=1)
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.get_by_role("link", name="Enregistrer l'adoption par le conseil").click()
    page.get_by_label("Séance de la formation plénière").select_option(index=1)
    tick(page, "Consensus")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.get_by_role("link", name="Enregistrer la délibération").click()
    page.get_by_label("Assemblée").fill("Conseil de la Métropole Rouen Normandie")
    page.get_by_label("Date de la séance").fill(datetime.date.today().isoformat())
    page.get_by_label("Numéro de la délibération").fill("C2026-0412")
    page.get_by_label("Voix pour").fill("80")
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
    expect(page.get_by_role("cell", name="Le préfet de la Seine-Maritime")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "strategie-03-adoption")

    # 7. The signed version's PDF downloads, with the amended title and the signatory.
    strategy.refresh_from_db()
    assert strategy.status == "signed"
    page.goto(f"{base}/strategies/{strategy.pk}/document/")
    # A signed strategy's document is its adopted version, with deliberation and signatures.
    expect(page.get_by_text("Version 2 figée le")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(page_.extract_text() for page_ in pdf.pages)
    assert "Médiation de nuit dans les quartiers et les transports" in text
    assert "préfet de la Seine-Maritime" in text
