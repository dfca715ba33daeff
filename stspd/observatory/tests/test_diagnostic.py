"""The council's diagnostic: opened by the coordinator, read by every role, exported as PDF.

The world's council has a diagnostic with one section embedding the "destructions" figures
(see stspd/conftest.py: the EPCI's 2023 rate is 90 / 130,000 x 1,000 = 0.69).
"""

import io

from pypdf import PdfReader

from stspd.audit.models import Event
from stspd.observatory.diagnostic import DEFAULT_SECTIONS
from stspd.observatory.models import Diagnostic, DiagnosticSection


def test_coordinator_opens_a_diagnostic_with_the_default_sections_once(world, login) -> None:  # type: ignore[no-untyped-def]
    Diagnostic.objects.all().delete()
    client = login(world.coordinator)
    url = f"/observatoire/diagnostic/{world.council.pk}/"
    assert "Ouvrir le diagnostic" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a second click opens nothing more
    diagnostic = Diagnostic.objects.get(council=world.council)
    assert [s.title for s in diagnostic.sections.all()] == [t for t, _, _ in DEFAULT_SECTIONS]
    assert Event.objects.filter(object_type="observatory.diagnostic", verb="created").count() == 1


def test_a_reader_cannot_open_the_diagnostic(world, login) -> None:  # type: ignore[no-untyped-def]
    Diagnostic.objects.all().delete()
    response = login(world.reader).post(f"/observatoire/diagnostic/{world.council.pk}/")
    assert response.status_code == 403
    assert not Diagnostic.objects.exists()


def test_a_section_shows_the_figures_it_embeds(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.reader).get(f"/observatoire/diagnostic/{world.council.pk}/")
    html = response.content.decode()
    assert "Les dégradations" in html
    assert "au moins 120" in html and "0,69" in html
    assert "Modifier" not in html  # readers read


def test_editing_a_section_records_what_changed(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/observatoire/sections/{world.section.pk}/",
        {"title": "Dégradations et incivilités", "text": "Hausse en centre-ville.", "position": 5},
    )
    assert response.status_code == 302
    world.section.refresh_from_db()
    assert (world.section.title, world.section.indicator) == ("Dégradations et incivilités", None)
    event = Event.objects.filter(verb="updated", object_type="observatory.diagnosticsection").get()
    assert event.changes["title"] == ["Les dégradations", "Dégradations et incivilités"]


def test_a_section_without_title_is_refused_and_nothing_changes(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(f"/observatoire/sections/{world.section.pk}/", {"title": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    world.section.refresh_from_db()
    assert world.section.title == "Les dégradations"


def test_deleting_a_section_asks_then_leaves_an_event(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/observatoire/sections/{world.section.pk}/supprimer/"
    assert "Les dégradations" in client.get(url).content.decode()
    assert DiagnosticSection.objects.filter(pk=world.section.pk).exists()
    assert client.post(url).status_code == 302
    assert not DiagnosticSection.objects.filter(pk=world.section.pk).exists()
    assert Event.objects.filter(verb="deleted", object_label="Les dégradations").exists()


def test_the_pdf_holds_the_sections_figures_and_caveats(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.partner).get(f"/observatoire/diagnostic/{world.council.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Diagnostic de la Métropole" in text
    assert "Les dégradations" in text
    assert "Destructions et dégradations volontaires" in text
    assert "0,69" in text and "au moins" in text
    assert "Secret statistique" in text
