"""The adoption pages driven by the test client, from a draft to a strategy in force, revised
and adopted again; every step's refusals; the deliberation's PDF."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from stspd.audit.models import Event
from stspd.strategy.access import ensure_editable
from stspd.strategy.adoption import PDF_MAX_BYTES, deliberate, pdf_problem
from stspd.strategy.enums import Status
from stspd.strategy.models import Deliberation, MemberVote, Strategy, Transition
from stspd.strategy.workflow import WorkflowError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def close_download(response: Any) -> None:
    """Close a file response's file without Django's request_finished handler closing the
    database connection, as the test client itself does (PostgreSQL's test transaction would
    be lost)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def status(world) -> str:  # type: ignore[no-untyped-def]
    return Strategy.objects.get(pk=world.strategy.pk).status


def step(client, world, move: str, data: dict, **extra):  # type: ignore[no-untyped-def]
    url = reverse("strategy:adoption_move", args=[world.strategy.pk, move])
    return client.post(url, data, **extra)


def deliberation_data(**extra: object) -> dict[str, object]:
    return {
        "assembly": "Conseil de la Métropole",
        "held_on": "2026-04-02",
        "number": "C2026-0412",
        "votes_for": "80",
        "votes_against": "4",
        "abstentions": "6",
        "document": SimpleUploadedFile("deliberation.pdf", PDF, "application/pdf"),
        "comment": "Approuvée.",
    } | extra


def open_review(client, world, reviewer):  # type: ignore[no-untyped-def]
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    return client.post(
        reverse("strategy:review_open", args=[world.strategy.pk]),
        {"reviewers": [reviewer.pk], "deadline": deadline.isoformat(), "message": ""},
    )


def test_the_full_path_from_draft_to_a_revised_strategy_adopted_again(world, login) -> None:  # type: ignore[no-untyped-def]
    coordinator = login(world.coordinator)
    meeting = world.plenary_meeting.pk
    assert open_review(coordinator, world, world.partner).status_code == 302
    assert status(world) == Status.IN_REVIEW

    response = step(coordinator, world, "debate", {"meeting": meeting, "comment": "Axes validés."})
    assert response.status_code == 302 and status(world) == Status.ORIENTATION_DEBATED

    votes = {f"vote_{world.member.pk}": "for"}
    step(coordinator, world, "adopt", {"meeting": meeting, "mode": "vote", **votes})
    assert status(world) == Status.ADOPTED
    adoption = Transition.objects.get(target=Status.ADOPTED)
    assert adoption.version_number == 2  # version 1 went to partners, version 2 is adopted
    assert list(MemberVote.objects.values_list("member", "vote")) == [(world.member.pk, "for")]
    assert world.strategy.review_rounds.get().closed_at is not None  # adoption closes the round

    step(coordinator, world, "deliberate", deliberation_data())
    assert status(world) == Status.DELIBERATED
    deliberation = Deliberation.objects.get()
    assert deliberation.version_number == 2
    pdf = login(world.reader).get(reverse("strategy:deliberation_document", args=[deliberation.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    close_download(pdf)

    coordinator = login(world.coordinator)
    response = coordinator.post(
        reverse("strategy:signature_add", args=[world.strategy.pk]),
        {
            "organisation": world.organisation.pk,
            "signatory": "Le préfet de la Seine-Maritime",
            "signed_on": "2026-04-10",
        },
    )
    assert response.status_code == 302
    step(coordinator, world, "sign", {"comment": "Signée en préfecture."})
    assert status(world) == Status.SIGNED
    with pytest.raises(PermissionDenied):
        ensure_editable(Strategy.objects.get(pk=world.strategy.pk))
    step(coordinator, world, "enforce", {})
    assert status(world) == Status.IN_FORCE

    step(coordinator, world, "revise", {"comment": "Avenant : nouvel axe jeunesse."})
    assert status(world) == Status.REVISION
    ensure_editable(Strategy.objects.get(pk=world.strategy.pk))
    assert open_review(coordinator, world, world.wg_signed).status_code == 302
    assert status(world) == Status.IN_REVIEW
    step(coordinator, world, "adopt", {"meeting": meeting, "mode": "consensus"})
    assert status(world) == Status.ADOPTED
    assert Transition.objects.filter(target=Status.ADOPTED).last().version_number == 4  # type: ignore[union-attr]

    page = coordinator.get(reverse("strategy:adoption", args=[world.strategy.pk])).content.decode()
    assert "Dernière version adoptée : version 4." in page
    assert "Avenant : nouvel axe jeunesse." in page
    assert "(vote : 1 pour, 0 contre, 0 abstention)" in page
    assert "Enregistrer la délibération</a>" in page
    assert [t.target for t in Transition.objects.all()] == [
        "in_review",
        "orientation",
        "adopted",
        "deliberated",
        "signed",
        "in_force",
        "revision",
        "in_review",
        "adopted",
    ]
    assert Event.objects.filter(verb="transition").count() == 9


def test_steps_out_of_order_show_why_and_change_nothing(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("strategy:adoption_move", args=[world.strategy.pk, "sign"])
    page = client.get(url).content.decode()
    assert "Étape impossible maintenant" in page
    assert "la stratégie est « Brouillon »" in page
    assert "Enregistrer l&#x27;étape" not in page and "Enregistrer l'étape" not in page
    response = step(client, world, "deliberate", deliberation_data(), follow=True)
    assert "« Enregistrer la délibération » n&#x27;est pas possible" in response.content.decode()
    assert status(world) == Status.DRAFT
    assert not Deliberation.objects.exists() and not Transition.objects.exists()
    assert (
        client.get(reverse("strategy:adoption_move", args=[world.strategy.pk, "fly"])).status_code
        == 404
    )


def test_a_first_adoption_needs_the_orientation_debate(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    open_review(client, world, world.partner)
    response = step(
        client,
        world,
        "adopt",
        {"meeting": world.plenary_meeting.pk, "mode": "consensus"},
        follow=True,
    )
    assert "pour une stratégie déjà adoptée une fois" in response.content.decode()
    assert status(world) == Status.IN_REVIEW


def test_signing_needs_a_signature_first(world, login) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.DELIBERATED)
    client = login(world.coordinator)
    page = step(client, world, "sign", {}).content.decode()
    assert "Enregistrez d&#x27;abord au moins une signature." in page
    assert status(world) == Status.DELIBERATED


def test_signatures_wait_for_the_deliberation(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("strategy:signature_add", args=[world.strategy.pk])
    data = {"organisation": world.organisation.pk, "signatory": "Préfet", "signed_on": "2026-04-10"}
    response = client.post(url, data, follow=True)
    assert (
        "les signatures s&#x27;enregistrent une fois la délibération votée"
        in response.content.decode()
    )
    assert not world.strategy.signatures.exists()


def at_adopted(world) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.ADOPTED)


def test_a_deliberation_that_is_not_a_pdf_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    at_adopted(world)
    client = login(world.coordinator)
    fake = SimpleUploadedFile("deliberation.pdf", b"Bonjour, ceci est un texte.", "application/pdf")
    page = step(client, world, "deliberate", deliberation_data(document=fake)).content.decode()
    assert "Le fichier n&#x27;est pas un PDF : déposez la délibération au format PDF." in page
    assert status(world) == Status.ADOPTED and not Deliberation.objects.exists()
    page = step(client, world, "deliberate", deliberation_data(document="")).content.decode()
    assert "Ce champ est obligatoire." in page


def test_a_pdf_over_10_mb_is_refused() -> None:
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * PDF_MAX_BYTES, "application/pdf")
    assert "10 Mo au plus" in pdf_problem(big)
    assert pdf_problem(SimpleUploadedFile("ok.pdf", PDF, "application/pdf")) == ""


def test_a_deliberation_against_the_strategy_is_not_an_approval(world) -> None:  # type: ignore[no-untyped-def]
    at_adopted(world)
    with pytest.raises(WorkflowError, match="n'approuve pas"):
        deliberate(
            Strategy.objects.get(pk=world.strategy.pk),
            assembly="Conseil",
            held_on=datetime.date(2026, 4, 2),
            number="1",
            votes_for=3,
            votes_against=5,
            abstentions=0,
            by=world.coordinator,
        )


def test_a_vote_without_majority_does_not_adopt(world, login) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.ORIENTATION_DEBATED)
    client = login(world.coordinator)
    data = {
        "meeting": world.plenary_meeting.pk,
        "mode": "vote",
        f"vote_{world.member.pk}": "against",
    }
    page = step(client, world, "adopt", data).content.decode()
    assert "Le vote n&#x27;adopte pas la stratégie (pour : 0, contre : 1" in page
    page = step(
        client, world, "adopt", {"meeting": world.plenary_meeting.pk, "mode": "vote"}
    ).content.decode()
    assert "Saisissez le vote d&#x27;au moins un membre du conseil." in page
    assert status(world) == Status.ORIENTATION_DEBATED and not MemberVote.objects.exists()


def test_a_working_group_meeting_is_not_a_plenary_one(world, login) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.IN_REVIEW)
    page = step(login(world.coordinator), world, "debate", {"meeting": world.group_meeting.pk})
    assert "Sélectionnez un choix valide" in page.content.decode()
    assert status(world) == Status.IN_REVIEW


def test_only_the_coordinator_moves_the_strategy(world, login) -> None:  # type: ignore[no-untyped-def]
    Strategy.objects.filter(pk=world.strategy.pk).update(status=Status.IN_REVIEW)
    for someone in (world.partner, world.reader, world.wg_signed):
        response = step(login(someone), world, "debate", {"meeting": world.plenary_meeting.pk})
        assert response.status_code == 403
    assert status(world) == Status.IN_REVIEW
    page = login(world.partner).get(reverse("strategy:adoption", args=[world.strategy.pk]))
    assert "Prochaines étapes" not in page.content.decode()


def test_the_deliberation_pdf_is_the_councils_only(world, login) -> None:  # type: ignore[no-untyped-def]
    at_adopted(world)
    deliberation = deliberate(
        Strategy.objects.get(pk=world.strategy.pk),
        assembly="Conseil",
        held_on=datetime.date(2026, 4, 2),
        number="7",
        votes_for=5,
        votes_against=0,
        abstentions=0,
        document=SimpleUploadedFile("d.pdf", PDF, "application/pdf"),
        by=world.coordinator,
    )
    url = reverse("strategy:deliberation_document", args=[deliberation.pk])
    assert login(world.outsider).get(url).status_code == 404
    response = login(world.partner).get(url)
    assert response["Content-Type"] == "application/pdf"
    close_download(response)
