"""The FIPD cycle in Chromium: the association leading a fiche prepares its application (a
budget that does not balance is refused with its gap), downloads its documents; the coordinator
records the restricted formation's opinion, the grant and a payment; the association files its
report after the year's end. Documents opened and checked (PDF text, spreadsheet cells)."""

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Membership, Organisation
from stspd.conftest import make_user
from stspd.councils.enums import Role
from stspd.councils.models import CouncilRole
from stspd.funding.models import Application
from stspd.funding.tests.helpers import make_call

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def test_the_lead_and_the_coordinator_go_through_the_fipd_cycle(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    association = Organisation.objects.create(
        name="Association Prévention Rouen", kind=OrganisationKind.ASSOCIATION
    )
    world.action.lead = association
    world.action.save()
    lead = make_user("asso@example.org", "Amel", "Kaci")
    Membership.objects.create(user=lead, organisation=association)
    CouncilRole.objects.create(council=world.council, user=lead, role=Role.PARTNER)
    call = make_call(2025)

    # The lead: from the council's page to the call, then its fiche's application.
    log_in(page, base, lead.email)
    page.goto(f"{base}{world.council.get_absolute_url()}")
    page.get_by_role("link", name="Appels à projets et subventions").click()
    page.get_by_role("link", name=call.title).click()
    assert_accessible(page)
    page.get_by_role("link", name=world.action.title).click()
    expect(page.get_by_label("Intitulé du projet")).to_have_value(world.action.title)
    assert_accessible(page)
    page.get_by_label("Programme", exact=True).select_option(
        label="Programme D — prévention de la délinquance"
    )
    page.get_by_label("Part FIPD demandée (€)").fill("12000")
    page.get_by_label("Charges — compte 61", exact=False).fill("4000")
    page.get_by_label("Charges — compte 64", exact=False).fill("16000")
    page.get_by_label("Produits — compte 74", exact=False).fill("15000")
    page.get_by_label("Produits — compte 75", exact=False).fill("4000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("n'est pas équilibré", exact=False)).to_be_visible()
    expect(page.get_by_text("écart 1\u202f000\xa0€", exact=False)).to_be_visible()
    assert not Application.objects.exists()
    page.get_by_label("Produits — compte 75", exact=False).fill("5000")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Au-delà du plafond")).to_be_visible()
    expect(page.get_by_text("Le FIPD finance au plus 50 %", exact=False).first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "funding-application")
    application = Application.objects.get()

    pdf = page.request.get(f"{base}/demandes/{application.pk}/dossier.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Budget prévisionnel du projet" in text and world.action.title in text
    sheet = page.request.get(f"{base}/demandes/{application.pk}/dossier.xlsx")
    budget = load_workbook(io.BytesIO(sheet.body()))["6 - Budget du projet"]
    cells = {row[1]: row[2] for row in budget.iter_rows(values_only=True) if row[1]}
    assert cells["Total des charges"] == cells["Total des produits"] == 20000
    assert cells["Part FIPD dans le coût de l'action (%)"] == 60
    log_out(page)

    # The coordinator: the plenary formation's opinion, the grant, a payment.
    log_in(page, base, world.coordinator.email)
    page.goto(f"{base}/conseils/{world.council.pk}/appels/{call.pk}/")
    page.get_by_role("link", name="Enregistrer l'avis d'une séance").click()
    page.get_by_label("Séance").select_option(index=1)
    page.get_by_label(f"Avis : {application.title}").select_option(label="Favorable")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les avis du conseil sont enregistrés", exact=False)).to_be_visible()
    page.get_by_role("link", name=application.title).click()
    page.get_by_role("link", name="Enregistrer une subvention accordée").click()
    page.get_by_label("Programme", exact=True).select_option(
        label="Programme D — prévention de la délinquance"
    )
    page.get_by_label("Montant accordé (€)").fill("9000")
    page.get_by_label("Date de l'arrêté ou de la convention").fill("2025-05-20")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("compte rendu financier dû le 30/06/2026", exact=False)).to_be_visible()
    page.get_by_role("link", name="Enregistrer un versement").click()
    page.get_by_label("Montant versé (€)").fill("9500")
    page.get_by_label("Date du versement").fill("2025-06-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("au-delà de la subvention accordée", exact=False)).to_be_visible()
    page.get_by_label("Montant versé (€)").fill("5400")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("versé 5\u202f400\xa0€", exact=False)).to_be_visible()
    opinions = page.request.get(f"{base}/conseils/{world.council.pk}/appels/{call.pk}/avis.xlsx")
    rows = list(load_workbook(io.BytesIO(opinions.body())).active.iter_rows(values_only=True))
    assert rows[2][0] == application.title and rows[2][6] == "Favorable"
    log_out(page)

    # The lead files the report after the year's end (the test runs after 2025).
    log_in(page, base, lead.email)
    page.goto(f"{base}{application.get_absolute_url()}")
    page.get_by_role("link", name="Déposer le compte rendu").click()
    assert_accessible(page)
    for account, amount in (("61", "4000"), ("64", "16000"), ("74", "15000"), ("75", "5000")):
        page.get_by_label(f"Réalisé — compte {account}", exact=False).fill(amount)
    page.get_by_role("button", name="Déposer le compte rendu").click()
    expect(page.get_by_text("Le compte rendu est déposé.")).to_be_visible()
    assert application.__class__.objects.get(pk=application.pk).report.lines.count() == 4
