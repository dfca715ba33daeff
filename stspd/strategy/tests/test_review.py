"""Review rounds through their verbs: opening, remarks, decisions, amendments applied."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from stspd.audit.models import Event
from stspd.strategy.enums import RemarkKind, RemarkStatus, Status
from stspd.strategy.models import Action, Axis, ReviewRound
from stspd.strategy.review import (
    NotReady,
    add_remark,
    close_round,
    decide_remark,
    open_round,
    remarks_for,
)
from stspd.strategy.workflow import WorkflowError, apply_move


def soon() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=14)


def make_round(world, **extra) -> ReviewRound:  # type: ignore[no-untyped-def]
    return open_round(
        world.strategy,
        reviewers=extra.pop("reviewers", [world.partner]),
        deadline=extra.pop("deadline", soon()),
        message="Vos retours sous quinze jours.",
        by=world.coordinator,
    )


def test_opening_a_round_freezes_version_1_and_moves_to_review(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        review_round = make_round(world, reviewers=[world.partner, world.wg_signed])
    world.strategy.refresh_from_db()
    assert world.strategy.status == Status.IN_REVIEW
    assert review_round.version.number == 1
    assert world.strategy.version_number == 2
    assert review_round.version.snapshot["axes"][0]["title"] == "Tranquillité publique"
    transition = world.strategy.transitions.get()
    assert (transition.source, transition.target, transition.version_number) == (
        Status.DRAFT,
        Status.IN_REVIEW,
        1,
    )
    assert sorted(m.to[0] for m in mail.outbox) == [world.wg_signed.email, world.partner.email]
    assert f"/allers-retours/{review_round.pk}/" in mail.outbox[0].body
    assert "Vos retours sous quinze jours." in mail.outbox[0].body
    assert set(Event.objects.values_list("verb", flat=True)) >= {"frozen", "transition", "created"}


def test_an_unready_draft_is_not_sent_and_the_gaps_are_listed(world) -> None:  # type: ignore[no-untyped-def]
    world.strategy.evaluation_method = ""
    world.strategy.save()
    with pytest.raises(NotReady) as refusal:
        make_round(world)
    assert "La méthode d'évaluation n'est pas écrite." in str(refusal.value)
    assert not world.strategy.versions.exists()


def test_only_partners_and_coordinators_are_reviewers(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError, match="Seuls les partenaires et coordinateurs"):
        make_round(world, reviewers=[world.reader])
    with pytest.raises(WorkflowError, match="au moins un relecteur"):
        make_round(world, reviewers=[])


def test_a_second_round_waits_for_the_first_to_close(world) -> None:  # type: ignore[no-untyped-def]
    first = make_round(world)
    with pytest.raises(WorkflowError, match="déjà en cours"):
        make_round(world)
    close_round(first, by=world.coordinator)
    second = make_round(world)
    assert second.version.number == 2


def test_a_reviewer_without_address_gets_no_mail_and_nothing_fails(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    type(world.partner).objects.filter(pk=world.partner.pk).update(email="")
    world.partner.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        review_round = make_round(world, reviewers=[world.partner, world.wg_signed])
    assert [m.to for m in mail.outbox] == [[world.wg_signed.email]]
    assert review_round.reviewers.count() == 2


def remark_on_action(world, review_round, **extra):  # type: ignore[no-untyped-def]
    return add_remark(
        review_round,
        element_kind="action",
        element_key=world.action.key,
        kind=extra.pop("kind", RemarkKind.AMENDMENT),
        field=extra.pop("field", "public"),
        proposed_value=extra.pop("proposed_value", "Jeunes de 12 à 25 ans"),
        text="Préciser le public.",
        by=extra.pop("by", world.partner),
    )


def test_only_the_rounds_reviewers_and_the_coordinator_remark(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    remark = remark_on_action(world, review_round)
    assert remark.status == RemarkStatus.OPEN
    assert remark.element_label == "Fiche action 1.1.1 « Médiation de nuit dans les quartiers »"
    assert remark_on_action(world, review_round, by=world.coordinator).author == world.coordinator
    for someone in (world.wg_signed, world.reader, world.outsider):
        with pytest.raises(PermissionDenied):
            remark_on_action(world, review_round, by=someone)


def test_no_remark_after_the_deadline_or_the_closing(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    ReviewRound.objects.filter(pk=review_round.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    review_round.refresh_from_db()
    with pytest.raises(WorkflowError, match=r"date limite des retours .* est passée"):
        remark_on_action(world, review_round)
    ReviewRound.objects.filter(pk=review_round.pk).update(deadline=soon())
    review_round.refresh_from_db()
    close_round(review_round, by=world.coordinator)
    with pytest.raises(WorkflowError, match="clôturé"):
        remark_on_action(world, review_round)


def test_an_amendment_names_an_amendable_field_and_a_value(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    with pytest.raises(WorkflowError, match="champ"):
        remark_on_action(world, review_round, field="lead")
    with pytest.raises(WorkflowError, match="nouvelle rédaction"):
        remark_on_action(world, review_round, proposed_value="  ")
    with pytest.raises(WorkflowError, match="n'existe pas"):
        add_remark(
            review_round,
            element_kind="axis",
            element_key=world.action.key,
            kind=RemarkKind.COMMENT,
            text="?",
            by=world.partner,
        )


def test_accepting_an_amendment_changes_the_working_copy_with_events(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    remark = remark_on_action(world, review_round)
    decide_remark(remark, accept=True, response="", by=world.coordinator)
    action = Action.objects.get(pk=world.action.pk)
    assert action.public == "Jeunes de 12 à 25 ans"
    assert action.revision == world.action.revision + 1
    remark.refresh_from_db()
    assert (remark.status, remark.decided_by) == (RemarkStatus.ACCEPTED, world.coordinator)
    updated = Event.objects.get(verb="updated", object_type="strategy.action")
    assert updated.changes == {"Public visé": ["", "Jeunes de 12 à 25 ans"]}
    assert Event.objects.filter(verb="accepted", object_id=str(remark.pk)).exists()
    # The frozen version keeps the text it was sent with.
    assert review_round.version.snapshot["axes"][0]["objectives"][0]["actions"][0]["public"] == ""


def test_an_objective_target_is_amended_as_a_number(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    use = world.objective.indicators.get()
    remark = add_remark(
        review_round,
        element_kind="objective",
        element_key=use.key,
        kind=RemarkKind.AMENDMENT,
        field="target_value",
        proposed_value="0,8",
        text="Plus ambitieux.",
        by=world.partner,
    )
    assert remark.proposed_value == "0.8"
    assert remark.element_label.startswith("Indicateur « ")
    decide_remark(remark, accept=True, response="D'accord.", by=world.coordinator)
    use.refresh_from_db()
    assert str(use.target_value) == "0.800"
    with pytest.raises(WorkflowError, match="nombre"):
        add_remark(
            review_round,
            element_kind="objective",
            element_key=use.key,
            kind=RemarkKind.AMENDMENT,
            field="target_value",
            proposed_value="beaucoup moins",
            text="?",
            by=world.partner,
        )


def test_a_rejection_needs_a_reason_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    remark = remark_on_action(world, review_round)
    with pytest.raises(WorkflowError, match="motif du rejet"):
        decide_remark(remark, accept=False, response=" ", by=world.coordinator)
    decide_remark(remark, accept=False, response="Hors sujet.", by=world.coordinator)
    assert Action.objects.get(pk=world.action.pk).public == ""
    with pytest.raises(WorkflowError, match="déjà été rejetée"):
        decide_remark(remark, accept=True, response="", by=world.coordinator)
    with pytest.raises(PermissionDenied):
        decide_remark(
            remark_on_action(world, review_round), accept=True, response="", by=world.partner
        )


def test_an_amendment_of_a_deleted_element_is_refused_clearly(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    remark = add_remark(
        review_round,
        element_kind="axis",
        element_key=world.axis.key,
        kind=RemarkKind.AMENDMENT,
        field="title",
        proposed_value="Tranquillité",
        text="Plus court.",
        by=world.partner,
    )
    Axis.objects.filter(pk=world.axis.pk).delete()
    with pytest.raises(WorkflowError, match="n'existe plus dans la version de travail"):
        decide_remark(remark, accept=True, response="", by=world.coordinator)
    remark.refresh_from_db()
    assert remark.status == RemarkStatus.OPEN


def test_an_amendment_is_not_applied_to_an_adopted_strategy(world) -> None:  # type: ignore[no-untyped-def]
    review_round = make_round(world)
    remark = remark_on_action(world, review_round)
    apply_move(world.strategy, "debate", by=world.coordinator, meeting=world.plenary_meeting)
    apply_move(
        world.strategy,
        "adopt",
        by=world.coordinator,
        meeting=world.plenary_meeting,
        adoption_mode="consensus",
    )
    with pytest.raises(WorkflowError, match="ne se modifie plus"):
        decide_remark(remark, accept=True, response="", by=world.coordinator)
    # A comment can still be taken into account.
    comment = remark_on_action(world, review_round, kind=RemarkKind.COMMENT, by=world.coordinator)
    assert (
        decide_remark(comment, accept=True, response="", by=world.coordinator).status == "accepted"
    )


def test_remarks_follow_their_element_across_versions_in_one_query(
    world, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    first = make_round(world)
    remark_on_action(world, first)
    close_round(first, by=world.coordinator)
    Action.objects.filter(pk=world.action.pk).update(title="Médiation de soirée")
    second = make_round(world)
    remark_on_action(world, second, kind=RemarkKind.COMMENT)
    with django_assert_num_queries(1):
        remarks = remarks_for(world.strategy)
    assert [r.review_round.version.number for r in remarks[world.action.key]] == [1, 2]
    assert remarks[world.action.key][1].element_label.endswith("« Médiation de soirée »")
