"""A coordinator convenes a plenary with two documents, a representative answers through the
link of the convocation, and the next meeting records who sat and approves the minutes."""

import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook  # type: ignore[import-untyped]  # no stubs
from playwright.sync_api import FilePayload, Page, expect

from stspd.accounts.models import Organisation
from stspd.councils.enums import MemberBasis
from stspd.councils.models import ConvocationRecipient, CouncilMember, Meeting, Representative
from stspd.councils.tests.meeting_helpers import PDF
from stspd.strategy.enums import Status
from stspd.strategy.models import Strategy
from stspd.strategy.workflow import apply_move

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in
from .test_strategy_journey import tick

pytestmark = pytest.mark.browser


def workbook() -> bytes:
    book = Workbook()
    book.active.append(["Indicateur", "2025"])
    book.active.append(["Cambriolages", 412])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_coordinator_convenes_and_records_the_meeting(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    Representative.objects.create(
        member=world.member, name="Jeanne Roux", function="Sous-préfète", email="jr@example.org"
    )
    school = Organisation.objects.create(name="Collège Jean-Moulin", kind="education")
    school_seat = CouncilMember.objects.create(
        council=world.council,
        organisation=school,
        representative="Principal",
        basis=MemberBasis.DESIGNATED,
    )
    Representative.objects.create(member=school_seat, name="Principal", email="ce@example.org")
    world.plenary.quorum_percent = 50
    world.plenary.save()
    # The strategy was adopted once and is being revised (an avenant).
    strategy = world.strategy
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.ORIENTATION_DEBATED)
    strategy.refresh_from_db()
    apply_move(
        strategy,
        "adopt",
        by=world.coordinator,
        meeting=world.plenary_meeting,
        adoption_mode="consensus",
    )
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.IN_FORCE)
    strategy.refresh_from_db()
    apply_move(strategy, "revise", by=world.coordinator)

    log_in(page, base, "coordination@example.org")
    page.goto(f"{base}/formations/{world.plenary.pk}/seances/nouvelle/")
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=21)).replace(
        hour=14, minute=0
    )
    page.get_by_label("Date et heure").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Lieu").fill("Hôtel de la Métropole")
    page.get_by_label("Ordre du jour").fill("1. Avenant à la stratégie\n2. Compte rendu")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("est créée. Joignez-y ses documents")).to_be_visible()
    assert Meeting.objects.filter(place="Hôtel de la Métropole").count() == 1

    files: list[tuple[str, str, bytes, str]] = [
        ("Projet d'avenant", "avenant.pdf", PDF, "application/pdf"),
        (
            "Tableau des indicateurs",
            "indicateurs.xlsx",
            workbook(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ]
    for title, name, content, kind in files:
        page.get_by_role("link", name="Joindre un document").click()
        page.get_by_label("Titre").fill(title)
        page.get_by_label("Fichier").set_input_files(
            files=[FilePayload(name=name, mimeType=kind, buffer=content)]
        )
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text(f"« {title} » est jointe à la séance.")).to_be_visible()

    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.get_by_text("Convocation envoyée à 2 représentant(s).")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "seance-convoquee")
    assert sorted(m.to[0] for m in mail.outbox) == ["ce@example.org", "jr@example.org"]

    # The sous-préfète answers from the e-mail's link, without an account.
    recipient = ConvocationRecipient.objects.get(representative__name="Jeanne Roux")
    visitor = page.context.browser.new_context(locale="fr-FR", bypass_csp=True)  # type: ignore[union-attr]
    other = visitor.new_page()
    other.goto(base + recipient.get_absolute_url())
    expect(other.get_by_role("link", name="Projet d'avenant")).to_be_visible()
    expect(other.get_by_role("link", name="Tableau des indicateurs")).to_be_visible()
    tick(other, "Se fera représenter")
    other.get_by_label("Qui vous représentera ? (ou une précision)").fill("Délégué du préfet")
    other.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(other.get_by_text("Votre réponse est enregistrée.")).to_be_visible()
    assert_accessible(other)
    visitor.close()

    page.reload()
    expect(page.get_by_role("cell", name="Se fera représenter (Délégué du préfet)")).to_be_visible()

    # A later meeting, already held: who sat, then the approval of the earlier minutes.
    held = Meeting.objects.create(
        formation=world.plenary,
        starts_at=world.plenary_meeting.starts_at + datetime.timedelta(days=60),
        place="Rouen",
        agenda="Compte rendu du 12/03",
    )
    page.goto(f"{base}/seances/{held.pk}/membres/")
    prefecture = world.organisation.pk
    page.locator(f"#id_status_{prefecture}").select_option("represented")
    page.locator(f"#id_proxy_{prefecture}").fill("Délégué du préfet")
    page.locator(f"#id_status_{school.pk}").select_option("excused")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Quorum atteint : 1 organisation membre présente").first
    ).to_be_visible()
    expect(page.get_by_role("cell", name="représentée par Délégué du préfet")).to_be_visible()
    expect(page.get_by_role("cell", name="Absence excusée")).to_be_visible()

    page.get_by_role("link", name="Approuver le compte rendu d'une séance précédente").click()
    page.get_by_label("Compte rendu approuvé").select_option(label="Séance du 12/03/2026")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Le compte rendu est approuvé ; il est désormais figé.")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Approbation du compte rendu")).to_be_visible()

    # The amendment is adopted at that meeting: the adoption is a decision of the meeting.
    page.goto(f"{base}/strategies/{strategy.pk}/adoption/")
    page.get_by_role("link", name="Enregistrer l'adoption par le conseil").click()
    page.get_by_label("Séance de la formation plénière").select_option(
        label=f"Séance du {held.starts_at:%d/%m/%Y} — Rouen"
    )
    tick(page, "Consensus")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.goto(f"{base}/seances/{held.pk}/")
    expect(page.get_by_role("cell", name="Adoption d'un avenant")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "seance-tenue")

    # The public page of the council shows the plenary's decisions, acts included.
    page.goto(f"{base}/public/{world.council.pk}/")
    expect(page.get_by_text("Approbation du compte rendu", exact=True)).to_be_visible()
    expect(page.get_by_text("Adoption d'un avenant", exact=True)).to_be_visible()
    expect(page.get_by_text("Diffuser le diagnostic")).to_be_visible()
