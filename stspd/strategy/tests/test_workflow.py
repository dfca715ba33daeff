"""The adoption workflow as data: allowed moves, refusals, versions and records."""

import pytest
from django.core.exceptions import PermissionDenied

from stspd.audit.models import Event
from stspd.councils.enums import DecisionKind, DecisionStatus
from stspd.councils.models import MemberAttendance
from stspd.strategy.access import ensure_editable
from stspd.strategy.enums import Status
from stspd.strategy.models import Strategy
from stspd.strategy.workflow import (
    MOVES,
    WorkflowError,
    adopted_version_number,
    apply_move,
    available_moves,
    get_move,
)


def set_status(strategy: Strategy, status: str) -> Strategy:
    Strategy.objects.filter(pk=strategy.pk).update(status=status)
    strategy.refresh_from_db()
    return strategy


def names(strategy: Strategy) -> list[str]:
    return [move.name for move in available_moves(strategy)]


def test_each_state_offers_its_moves(world) -> None:  # type: ignore[no-untyped-def]
    expected = {
        Status.DRAFT: ["review", "debate"],
        Status.IN_REVIEW: ["review", "debate"],
        Status.ORIENTATION_DEBATED: ["review", "adopt"],
        Status.ADOPTED: ["deliberate"],
        Status.DELIBERATED: ["sign"],
        Status.SIGNED: ["enforce"],
        Status.IN_FORCE: ["revise", "close"],
        Status.REVISION: ["review", "adopt"],
        Status.CLOSED: [],
    }
    for status, moves in expected.items():
        assert names(set_status(world.strategy, status)) == moves, status


def test_every_move_starts_from_a_known_state_and_reaches_one() -> None:
    for move in MOVES:
        assert move.sources <= set(Status.values) and move.target in Status.values


@pytest.mark.parametrize(
    ("status", "name", "message"),
    [
        (Status.DRAFT, "deliberate", "« Enregistrer la délibération » n'est pas possible"),
        (Status.DRAFT, "adopt", "la stratégie est « Brouillon »"),
        (Status.ADOPTED, "sign", "part de l'état « Délibérée »"),
        (Status.IN_REVIEW, "adopt", "pour une stratégie déjà adoptée une fois"),
        (Status.CLOSED, "revise", "« Ouvrir une révision (avenant) » n'est pas possible"),
        (Status.SIGNED, "close", "part de l'état « En vigueur »"),
        (Status.DRAFT, "fly", "Cette étape n'existe pas."),
    ],
)
def test_an_out_of_order_move_is_refused_in_french(world, status, name, message) -> None:  # type: ignore[no-untyped-def]
    strategy = set_status(world.strategy, status)
    with pytest.raises(WorkflowError) as refusal:
        get_move(strategy, name)
    assert message in str(refusal.value)
    with pytest.raises(WorkflowError):
        apply_move(strategy, name, by=world.coordinator, meeting=world.plenary_meeting)
    strategy.refresh_from_db()
    assert strategy.status == status
    assert not strategy.transitions.exists()


def test_a_move_checks_what_it_needs(world) -> None:  # type: ignore[no-untyped-def]
    strategy = set_status(world.strategy, Status.IN_REVIEW)
    with pytest.raises(WorkflowError, match="Indiquez la séance"):
        apply_move(strategy, "debate", by=world.coordinator)
    set_status(strategy, Status.ORIENTATION_DEBATED)
    with pytest.raises(WorkflowError, match="consensus ou par vote"):
        apply_move(strategy, "adopt", by=world.coordinator, meeting=world.plenary_meeting)
    set_status(strategy, Status.ADOPTED)
    with pytest.raises(WorkflowError, match="Enregistrez d'abord la délibération"):
        apply_move(strategy, "deliberate", by=world.coordinator)
    set_status(strategy, Status.DELIBERATED)
    with pytest.raises(WorkflowError, match="au moins une signature"):
        apply_move(strategy, "sign", by=world.coordinator)


def test_adoption_freezes_the_adopted_version_and_a_revision_is_adopted_again(world) -> None:  # type: ignore[no-untyped-def]
    strategy = set_status(world.strategy, Status.ORIENTATION_DEBATED)
    adoption = apply_move(
        strategy,
        "adopt",
        by=world.coordinator,
        comment="Adoptée à l'unanimité.",
        meeting=world.plenary_meeting,
        adoption_mode="consensus",
    )
    strategy.refresh_from_db()
    assert (adoption.version_number, strategy.version_number) == (1, 2)
    assert adopted_version_number(strategy) == 1
    event = Event.objects.get(verb="transition")
    assert event.changes["commentaire"] == ["", "Adoptée à l'unanimité."]
    with pytest.raises(PermissionDenied):
        ensure_editable(strategy)
    # Later: in force, revised, sent to partners (version 2), adopted again without a debate.
    set_status(strategy, Status.IN_FORCE)
    revision = apply_move(strategy, "revise", by=world.coordinator)
    assert revision.version_number == 2
    strategy.refresh_from_db()
    ensure_editable(strategy)
    review = apply_move(strategy, "review", by=world.coordinator)
    assert review.version_number == 2
    assert adopted_version_number(strategy) == 1  # the version sent is not an adopted one
    strategy.refresh_from_db()
    assert "adopt" in names(strategy)
    second = apply_move(
        strategy,
        "adopt",
        by=world.coordinator,
        meeting=world.plenary_meeting,
        adoption_mode="consensus",
    )
    assert second.version_number == 3
    assert adopted_version_number(strategy) == 3


def test_the_debate_and_each_adoption_are_decisions_of_their_meeting(world) -> None:  # type: ignore[no-untyped-def]
    strategy = set_status(world.strategy, Status.IN_REVIEW)
    meeting = world.plenary_meeting
    apply_move(strategy, "debate", by=world.coordinator, meeting=meeting)
    apply_move(strategy, "adopt", by=world.coordinator, meeting=meeting, adoption_mode="consensus")
    set_status(strategy, Status.IN_FORCE)
    apply_move(strategy, "revise", by=world.coordinator)
    apply_move(strategy, "adopt", by=world.coordinator, meeting=meeting, adoption_mode="vote")
    acts = list(
        meeting.decisions.exclude(kind=DecisionKind.FOLLOW_UP)
        .order_by("pk")
        .values_list("kind", "text", "owner", "due_on", "status")
    )
    title = strategy.title
    assert acts == [
        (
            DecisionKind.ORIENTATION_DEBATE,
            f"Débat d'orientation tenu sur « {title} » : les axes sont retenus.",
            None,
            None,
            DecisionStatus.DONE,
        ),
        (
            DecisionKind.ADOPTION,
            f"« {title} » adoptée : version 1 (consensus).",
            None,
            None,
            DecisionStatus.DONE,
        ),
        (
            DecisionKind.AMENDMENT,
            f"Avenant à « {title} » adopté : version 2 (vote).",
            None,
            None,
            DecisionStatus.DONE,
        ),
    ]


def test_no_adoption_at_a_meeting_without_its_quorum(world) -> None:  # type: ignore[no-untyped-def]
    world.plenary.quorum_percent = 50
    world.plenary.save()
    MemberAttendance.objects.create(
        meeting=world.plenary_meeting, organisation=world.organisation, status="absent"
    )
    strategy = set_status(world.strategy, Status.ORIENTATION_DEBATED)
    with pytest.raises(WorkflowError, match="Décision impossible sans le quorum"):
        apply_move(
            strategy,
            "adopt",
            by=world.coordinator,
            meeting=world.plenary_meeting,
            adoption_mode="consensus",
        )
    strategy.refresh_from_db()
    assert strategy.status == Status.ORIENTATION_DEBATED
    assert not strategy.transitions.exists()
    assert not world.plenary_meeting.decisions.exclude(kind=DecisionKind.FOLLOW_UP).exists()
