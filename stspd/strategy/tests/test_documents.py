"""The strategy's reading page, PDF and Word file, for the working copy and frozen versions."""

import datetime
import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation
from stspd.indicators.enums import IndicatorKind
from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.enums import Funder, PartnerRole, Status
from stspd.strategy.models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    BudgetLine,
    Deliberation,
    Milestone,
    Objective,
    Signature,
)
from stspd.strategy.workflow import freeze
from stspd.territories.models import Commune


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Stored documents are files: each test keeps its own."""
    settings.MEDIA_ROOT = tmp_path


def enrich(world, extra_actions: int = 2):  # type: ignore[no-untyped-def]
    """The world's strategy with a second axis, partners, milestones, budget, places, a new
    organisation and a council's own indicator: every field of the snapshot filled somewhere."""
    landlord = Organisation.objects.create(name="Habitat 76", kind=OrganisationKind.BAILLEUR)
    own = IndicatorDefinition.objects.create(
        council=world.council,
        name="Signalements au bailleur",
        kind=IndicatorKind.ACTIVITY,
        unit="nombre",
    )
    action = world.action
    action.description = "Deux médiateurs, de 20 h à 2 h.\nToute l'année."
    action.public = "Jeunes de 16 à 25 ans"
    action.neighbourhoods = "Quartier du Château Blanc\nCentre-ville"
    action.starts_on = datetime.date(2026, 3, 1)
    action.ends_on = datetime.date(2028, 6, 30)
    action.save()
    action.communes.set(Commune.objects.filter(code__in=["76540", "76575"]))
    ActionPartner.objects.create(action=action, organisation=landlord, role=PartnerRole.FUNDER)
    Milestone.objects.create(action=action, title="Recrutement", due_on=datetime.date(2026, 4, 1))
    Milestone.objects.create(
        action=action,
        title="Premier bilan",
        due_on=datetime.date(2026, 12, 1),
        done_on=datetime.date(2026, 11, 20),
    )
    BudgetLine.objects.create(
        action=action,
        funder=Funder.LANDLORD,
        funder_name="Habitat 76",
        year=2027,
        planned=Decimal("8000.50"),
        committed=Decimal("4000"),
        spent=Decimal("1200.25"),
    )
    ActionIndicator.objects.create(action=action, definition=own, target_value=Decimal("12.5"))
    axis = Axis.objects.create(
        strategy=world.strategy, position=2, title="Prévention des violences intrafamiliales"
    )
    objective = Objective.objects.create(
        axis=axis,
        position=1,
        statement="Mieux repérer les victimes",
        unquantified_reason="Les faits sont sous-déclarés.",
    )
    for n in range(1, extra_actions + 1):
        Action.objects.create(
            objective=objective,
            position=n,
            title=f"Permanence d'accueil des victimes n° {n}",
            problem="Victimes isolées",
            lead=landlord if n % 2 else world.organisation,
            status="in_progress",
        )
    return landlord, own


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_reading_page_shows_every_axis_action_and_the_download_links(world, login):  # type: ignore[no-untyped-def]
    enrich(world)
    response = login(world.reader).get(reverse("strategy:document", args=[world.strategy.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Axe 1 — Tranquillité publique",
        "Axe 2 — Prévention des violences intrafamiliales",
        "Fiche action 1.1.1 — Médiation de nuit dans les quartiers",
        "Fiche action 2.1.2 — Permanence d&#x27;accueil des victimes n° 2",
        "Quartier du Château Blanc",
        "Rouen (76540)",
        "8\u202f000,50\u00a0€",
        "Les dégradations",
        "Destructions et dégradations volontaires",
        reverse("strategy:document_pdf", args=[world.strategy.pk]),
        reverse("strategy:document_docx", args=[world.strategy.pk]),
        reverse("strategy:plan_xlsx", args=[world.strategy.pk]),
    ]:
        assert text in html, text
    # Only the coordinator is offered the spreadsheet import.
    assert reverse("strategy:plan_import", args=[world.strategy.pk]) not in html


def test_pdf_has_cover_contents_one_page_per_action_and_every_title(world, login):  # type: ignore[no-untyped-def]
    enrich(world, extra_actions=3)
    response = login(world.partner).get(reverse("strategy:document_pdf", args=[world.strategy.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = [flat(text) for text in pdf_pages(response.content)]
    cover, contents = pages[0], pages[1]
    assert "CISPD de la Métropole" in cover and "Stratégie territoriale 2026-2028" in cover
    assert "du 01/01/2026 au 31/12/2028" in cover and "Brouillon" in cover
    assert "Sommaire" in contents
    whole = " ".join(pages)
    for title in [
        "Tranquillité publique",
        "Prévention des violences intrafamiliales",
        "Médiation de nuit dans les quartiers",
        *(f"Permanence d'accueil des victimes n° {n}" for n in (1, 2, 3)),
    ]:
        assert title in whole, title
    # Each fiche action starts its own page, and the contents give that page's number.
    actions = [
        ("1.1.1", "Médiation de nuit dans les quartiers"),
        *((f"2.1.{n}", f"Permanence d'accueil des victimes n° {n}") for n in (1, 2, 3)),
    ]
    starts = []
    for number, title in actions:
        found = [i for i, text in enumerate(pages) if f"Fiche action {number} — {title}" in text]
        assert len(found) == 1, number
        starts.append(found[0])
        listed = re.search(re.escape(f"{number} {title}") + r"[ .]*?(\d+)", contents)
        assert listed is not None and int(listed.group(1)) == found[0] + 1, number
    assert starts == sorted(starts) and len(set(starts)) == 4
    assert any("Diagnostic local de sécurité" in p and "Les dégradations" in p for p in pages)
    assert any("Méthode d'évaluation" in p and "Revue annuelle" in p for p in pages)
    # The diagnostic's chart is drawn: the PDF page carries the SVG's text.
    assert any("2021" in p and "Destructions et dégradations volontaires" in p for p in pages)
    assert "Signatures" in pages[-1] and "Préfecture de la Seine-Maritime" in pages[-1]
    assert "Date et signature" in pages[-1]
    # cover + contents + diagnostic + plan + 4 fiches + evaluation + signatures at least
    assert len(pages) >= 10


def test_frozen_version_is_drawn_from_its_snapshot_not_the_working_copy(world, login):  # type: ignore[no-untyped-def]
    freeze(world.strategy, by=world.coordinator, reason="Envoi aux partenaires")
    world.action.title = "Nouveau titre de travail"
    world.action.save()
    client = login(world.reader)
    page = client.get(reverse("strategy:document", args=[world.strategy.pk]) + "?version=1")
    html = page.content.decode()
    assert "Médiation de nuit dans les quartiers" in html
    assert "Nouveau titre de travail" not in html
    assert "Version 1 figée le" in html
    pdf = client.get(reverse("strategy:document_pdf", args=[world.strategy.pk]) + "?version=1")
    text = flat(" ".join(pdf_pages(pdf.content)))
    assert "Médiation de nuit dans les quartiers" in text
    assert "Nouveau titre de travail" not in text
    assert 'filename="strategie-' in pdf["Content-Disposition"]
    working = client.get(reverse("strategy:document", args=[world.strategy.pk]))
    assert "Nouveau titre de travail" in working.content.decode()


def test_signed_pdf_carries_the_deliberation_and_the_signatories(world, login):  # type: ignore[no-untyped-def]
    version = freeze(world.strategy, by=world.coordinator, reason="Adoption")
    world.strategy.status = Status.SIGNED
    world.strategy.save()
    Deliberation.objects.create(
        strategy=world.strategy,
        version_number=version.number,
        assembly="Conseil de la Métropole",
        held_on=datetime.date(2026, 5, 20),
        number="C2026-117",
        votes_for=80,
        votes_against=3,
        abstentions=2,
    )
    Signature.objects.create(
        strategy=world.strategy,
        version_number=version.number,
        organisation=world.organisation,
        signatory="Jean Préfet, préfet de la Seine-Maritime",
        signed_on=datetime.date(2026, 6, 2),
    )
    url = reverse("strategy:document_pdf", args=[world.strategy.pk]) + f"?version={version.number}"
    pages = [flat(p) for p in pdf_pages(login(world.reader).get(url).content)]
    last = pages[-1]
    assert "délibération n° C2026-117 du 20/05/2026" in last
    assert "Jean Préfet, préfet de la Seine-Maritime" in last and "02/06/2026" in last
    assert "Date et signature" not in last
    page = login(world.reader).get(
        reverse("strategy:document", args=[world.strategy.pk]) + f"?version={version.number}"
    )
    assert "PDF signé" in page.content.decode()


@pytest.mark.parametrize("query", ["?version=9", "?version=abc"])
def test_unknown_version_is_not_found(world, login, query):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    for name in ("strategy:document", "strategy:document_pdf", "strategy:document_json"):
        assert client.get(reverse(name, args=[world.strategy.pk]) + query).status_code == 404


def test_word_file_opens_and_contains_every_action_in_its_own_section(world, login):  # type: ignore[no-untyped-def]
    import docx

    enrich(world)
    response = login(world.partner).get(reverse("strategy:document_docx", args=[world.strategy.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    titles = [a.title for a in Action.objects.filter(objective__axis__strategy=world.strategy)]
    assert len(titles) == 3
    for number, title in [
        ("1.1.1", titles[0]),
        ("2.1.1", "Permanence d'accueil des victimes n° 1"),
        ("2.1.2", "Permanence d'accueil des victimes n° 2"),
    ]:
        assert f"Fiche action {number} — {title}" in headings
    for heading in ["Axe 1 — Tranquillité publique", "Diagnostic local de sécurité", "Signatures"]:
        assert heading in headings
    # One section per fiche action, plus the opening and the closing ones.
    assert len(document.sections) == 1 + 3 + 1
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Habitat 76" in " ".join(cells) and "8\u202f000,50\u00a0€" in cells


def test_the_coordinator_is_offered_the_import_only_while_the_strategy_is_editable(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("strategy:document", args=[world.strategy.pk])
    importer = reverse("strategy:plan_import", args=[world.strategy.pk])
    assert importer in client.get(url).content.decode()
    world.strategy.status = Status.ADOPTED
    world.strategy.save()
    assert importer not in client.get(url).content.decode()
