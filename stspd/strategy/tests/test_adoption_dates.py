"""The adoption chain refuses impossible dates: each refusal a French message under its field,
nothing stored. The world's plenary met on 12/03/2026."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from stspd.councils.models import Meeting
from stspd.strategy import adoption
from stspd.strategy.enums import AdoptionMode, Status
from stspd.strategy.models import Deliberation, Signature, Strategy, Transition
from stspd.strategy.rules import (
    adoption_date_problem,
    deliberation_date_problem,
    signature_date_problem,
)
from stspd.strategy.workflow import WorkflowError

from .test_adoption_views import PDF, deliberation_data, status, step

D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def plenary_on(world, day: datetime.date) -> Meeting:  # type: ignore[no-untyped-def]
    return Meeting.objects.create(
        formation=world.plenary,
        starts_at=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 18, 0)),
        place="Rouen",
    )


def debated(world) -> Strategy:  # type: ignore[no-untyped-def]
    """The orientation debate held at the plenary of 12/03/2026."""
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.IN_REVIEW)
    world.strategy.refresh_from_db()
    adoption.debate(world.strategy, meeting=world.plenary_meeting, comment="", by=world.coordinator)
    return world.strategy


def adopted(world) -> Strategy:  # type: ignore[no-untyped-def]
    strategy = debated(world)
    adoption.adopt(
        strategy, meeting=world.plenary_meeting, mode=AdoptionMode.CONSENSUS, by=world.coordinator
    )
    return strategy


def deliberated(world) -> Strategy:  # type: ignore[no-untyped-def]
    strategy = adopted(world)
    adoption.deliberate(
        strategy,
        assembly="Conseil de la Métropole",
        held_on=D(2026, 4, 2),
        number="C2026-0412",
        votes_for=80,
        votes_against=4,
        abstentions=6,
        by=world.coordinator,
    )
    return strategy


def field_errors(response, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(response.context["form"].errors.get(field, []))


# The rules themselves, on dates.


def test_the_rules_on_dates() -> None:
    today = D(2026, 12, 7)
    assert adoption_date_problem(D(2026, 3, 12), today, D(2026, 3, 12)) == ""
    assert adoption_date_problem(D(2026, 12, 7), today, None) == ""  # a meeting held today
    assert "n'a pas encore eu lieu" in adoption_date_problem(D(2026, 12, 8), today, None)
    assert "précéder le débat d'orientation du 12/03/2026" in adoption_date_problem(
        D(2026, 3, 11), today, D(2026, 3, 12)
    )
    assert "adoptée le 01/06/2026" in adoption_date_problem(
        D(2026, 5, 1), today, D(2026, 3, 12), D(2026, 6, 1)
    )
    assert deliberation_date_problem(D(2026, 3, 12), today, D(2026, 3, 12)) == ""
    assert "précéder l'adoption" in deliberation_date_problem(D(2026, 3, 11), today, D(2026, 3, 12))
    assert "n'a pas encore eu lieu" in deliberation_date_problem(D(2026, 12, 8), today, None)
    assert signature_date_problem(D(2026, 4, 2), today, D(2026, 4, 2)) == ""
    assert "précéder la délibération" in signature_date_problem(D(2026, 4, 1), today, D(2026, 4, 2))
    assert "dans le futur" in signature_date_problem(D(2030, 1, 1), today, D(2026, 4, 2))


# Through the pages: the message under the field, nothing stored.


def test_an_adoption_at_a_meeting_to_come_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    debated(world)
    future = plenary_on(world, timezone.localdate() + datetime.timedelta(days=30))
    response = step(
        login(world.coordinator), world, "adopt", {"meeting": future.pk, "mode": "consensus"}
    )
    assert response.status_code == 200
    [message] = field_errors(response, "meeting")
    assert f"La séance du {future.starts_at:%d/%m/%Y} n'a pas encore eu lieu" in message
    assert status(world) == Status.ORIENTATION_DEBATED
    assert not Transition.objects.filter(target=Status.ADOPTED).exists()
    assert not world.strategy.versions.filter(reason__startswith="Enregistrer l'adoption").exists()


def test_an_adoption_before_the_orientation_debate_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    debated(world)
    earlier = plenary_on(world, D(2026, 2, 1))
    response = step(
        login(world.coordinator), world, "adopt", {"meeting": earlier.pk, "mode": "consensus"}
    )
    [message] = field_errors(response, "meeting")
    assert "L'adoption ne peut pas précéder le débat d'orientation du 12/03/2026" in message
    assert status(world) == Status.ORIENTATION_DEBATED
    with pytest.raises(WorkflowError, match="débat d'orientation du 12/03/2026"):
        adoption.adopt(
            world.strategy, meeting=earlier, mode=AdoptionMode.CONSENSUS, by=world.coordinator
        )
    assert not Transition.objects.filter(target=Status.ADOPTED).exists()


def test_a_debate_at_a_meeting_to_come_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.IN_REVIEW)
    future = plenary_on(world, timezone.localdate() + datetime.timedelta(days=1))
    response = step(login(world.coordinator), world, "debate", {"meeting": future.pk})
    [message] = field_errors(response, "meeting")
    assert "n'a pas encore eu lieu" in message
    assert status(world) == Status.IN_REVIEW


def test_a_deliberation_before_the_adoption_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    adopted(world)
    response = step(
        login(world.coordinator), world, "deliberate", deliberation_data(held_on="2026-03-11")
    )
    [message] = field_errors(response, "held_on")
    assert message == (
        "La délibération ne peut pas précéder l'adoption de la stratégie par le conseil, "
        "le 12/03/2026."
    )
    assert status(world) == Status.ADOPTED
    assert not Deliberation.objects.exists()


def test_a_deliberation_in_the_future_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    adopted(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = deliberation_data(held_on=tomorrow.isoformat())
    response = step(login(world.coordinator), world, "deliberate", data)
    [message] = field_errors(response, "held_on")
    assert "n'a pas encore eu lieu" in message
    assert not Deliberation.objects.exists()
    with pytest.raises(WorkflowError, match="n'a pas encore eu lieu"):
        adoption.deliberate(
            world.strategy,
            assembly="Conseil",
            held_on=tomorrow,
            number="1",
            votes_for=2,
            votes_against=0,
            abstentions=0,
            by=world.coordinator,
            document=SimpleUploadedFile("d.pdf", PDF, "application/pdf"),
        )
    assert not Deliberation.objects.exists() and status(world) == Status.ADOPTED


def signature_post(client, world, signed_on: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("strategy:signature_add", args=[world.strategy.pk]),
        {"organisation": world.organisation.pk, "signatory": "Le préfet", "signed_on": signed_on},
    )


def test_a_signature_before_the_deliberation_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    deliberated(world)
    response = signature_post(login(world.coordinator), world, "2026-04-01")
    assert response.status_code == 200
    [message] = field_errors(response, "signed_on")
    assert message == (
        "Une signature ne peut pas précéder la délibération qui approuve la stratégie, "
        "le 02/04/2026."
    )
    assert not Signature.objects.exists()


def test_a_signature_in_the_future_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    deliberated(world)
    response = signature_post(login(world.coordinator), world, "2030-01-15")
    [message] = field_errors(response, "signed_on")
    assert message == "La date de signature, le 15/01/2030, est dans le futur."
    assert not Signature.objects.exists()
    with pytest.raises(WorkflowError, match="dans le futur"):
        adoption.add_signature(
            world.strategy,
            organisation=world.organisation,
            signatory="Le préfet",
            signed_on=D(2030, 1, 15),
            by=world.coordinator,
        )
    assert not Signature.objects.exists()


def test_a_signature_on_the_deliberations_day_is_accepted(world, login) -> None:  # type: ignore[no-untyped-def]
    deliberated(world)
    response = signature_post(login(world.coordinator), world, "2026-04-02")
    assert response.status_code == 302
    assert Signature.objects.get().signed_on == D(2026, 4, 2)


def test_the_signed_pdf_and_word_state_the_versions_real_state(world, login) -> None:  # type: ignore[no-untyped-def]
    strategy = deliberated(world)
    adoption.add_signature(
        strategy,
        organisation=world.organisation,
        signatory="Le préfet",
        signed_on=D(2026, 4, 20),
        by=world.coordinator,
    )
    adoption.move(strategy, "sign", by=world.coordinator)
    adoption.move(strategy, "enforce", by=world.coordinator)
    client = login(world.coordinator)
    expected = (
        "Adoptée par le conseil le 12/03/2026 ; approuvée par la délibération n° C2026-0412 du "
        "02/04/2026 (Conseil de la Métropole) ; signée par Préfecture de la Seine-Maritime "
        "(Le préfet) le 20/04/2026."
    )
    pdf = client.get(reverse("strategy:document_pdf", args=[strategy.pk])).content
    words = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert expected in words
    assert "Débat d'orientation tenu" not in words
    docx = client.get(reverse("strategy:document_docx", args=[strategy.pk])).content
    cells = [cell.text for table in Document(io.BytesIO(docx)).tables for cell in table._cells]
    assert expected in cells
    assert "Débat d'orientation tenu" not in cells
    page = client.get(reverse("strategy:document", args=[strategy.pk])).content.decode()
    assert '<p class="fr-tag">Signée</p>' in page
