"""The method's order (issue 14, item 6): a draft goes to partners with results not yet
quantified (listed as what adoption will need), the council adopts only a quantified strategy,
and the orientation debate on the axes can be held on the diagnostic, before the draft."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stspd.councils.enums import DecisionKind
from stspd.strategy.enums import Status
from stspd.strategy.models import Axis, Objective, ObjectiveIndicator, Strategy
from stspd.strategy.readiness import quantification_gaps, readiness_gaps, review_gaps
from stspd.strategy.review import NotReady, open_round
from stspd.strategy.workflow import WorkflowError, apply_move, available_moves


def unquantify(world) -> None:  # type: ignore[no-untyped-def]
    ObjectiveIndicator.objects.filter(objective=world.objective).update(
        target_value=None, deadline=None
    )


def send(world) -> None:  # type: ignore[no-untyped-def]
    open_round(
        world.strategy,
        reviewers=[world.partner],
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        message="Vos retours, et vos chiffres.",
        by=world.coordinator,
    )


def adopt(world) -> None:  # type: ignore[no-untyped-def]
    apply_move(
        world.strategy,
        "adopt",
        by=world.coordinator,
        meeting=world.plenary_meeting,
        adoption_mode="consensus",
    )


def test_a_draft_with_unquantified_results_goes_to_review_with_warnings(world, login) -> None:  # type: ignore[no-untyped-def]
    unquantify(world)
    gaps = readiness_gaps(world.strategy)
    assert review_gaps(gaps) == []
    missing = quantification_gaps(gaps)
    assert [gap.message.split(" « ")[0] for gap in missing] == ["L'objectif 1.1", "L'indicateur"]
    assert "n'a pas de valeur de référence, de cible ou d'échéance" in missing[1].message
    client = login(world.coordinator)
    page = client.get(reverse("strategy:readiness", args=[world.strategy.pk]))
    html = page.content.decode()
    assert "La stratégie peut partir en relecture" in html
    assert "À chiffrer avant l'adoption (2)" in html
    open_page = client.get(reverse("strategy:review_open", args=[world.strategy.pk]))
    assert open_page.context["gaps"] == [] and open_page.context["missing"] == missing
    send(world)
    world.strategy.refresh_from_db()
    assert world.strategy.status == Status.IN_REVIEW


def test_other_gaps_still_stop_the_review(world) -> None:  # type: ignore[no-untyped-def]
    unquantify(world)
    Strategy.objects.filter(pk=world.strategy.pk).update(evaluation_method="")
    world.strategy.refresh_from_db()
    with pytest.raises(NotReady) as refusal:
        send(world)
    assert "La méthode d'évaluation n'est pas écrite." in str(refusal.value)
    assert "n'a pas de valeur de référence" not in str(refusal.value)


def test_adoption_requires_every_result_quantified(world) -> None:  # type: ignore[no-untyped-def]
    unquantify(world)
    send(world)
    apply_move(world.strategy, "debate", by=world.coordinator, meeting=world.plenary_meeting)
    with pytest.raises(WorkflowError, match="ne peut pas être adoptée avant d'être chiffrée"):
        adopt(world)
    world.strategy.refresh_from_db()
    assert world.strategy.status == Status.ORIENTATION_DEBATED
    ObjectiveIndicator.objects.filter(objective=world.objective).update(
        target_value="1.0", deadline=datetime.date(2028, 12, 31)
    )
    adopt(world)
    world.strategy.refresh_from_db()
    assert world.strategy.status == Status.ADOPTED


def test_the_orientation_debate_comes_first_then_the_review_then_adoption(world, login) -> None:  # type: ignore[no-untyped-def]
    strategy = world.strategy
    axis = Axis.objects.create(strategy=strategy, position=2, title="Prévention de la délinquance")
    assert [m.name for m in available_moves(strategy)] == ["review", "debate"]
    client = login(world.coordinator)
    page = client.get(reverse("strategy:adoption_move", args=[strategy.pk, "debate"]))
    assert page.status_code == 200 and page.context["refusal"] == ""
    assert reverse("observatory:diagnostic", args=[world.council.pk]) in page.content.decode()
    response = client.post(
        reverse("strategy:adoption_move", args=[strategy.pk, "debate"]),
        {"meeting": world.plenary_meeting.pk, "comment": "Axes retenus sur le diagnostic."},
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == Status.ORIENTATION_DEBATED
    decision = world.plenary_meeting.decisions.get(kind=DecisionKind.ORIENTATION_DEBATE)
    assert decision.text == (
        f"Débat d'orientation tenu sur « {strategy.title} », à partir du diagnostic et avant la "
        "rédaction du projet : les axes retenus sont 1. Tranquillité publique ; "
        "2. Prévention de la délinquance."
    )
    # The draft written after the debate goes to partners before the council adopts it.
    Objective.objects.create(
        axis=axis, position=1, statement="Prévenir la récidive", unquantified_reason="Trop rare."
    )
    with pytest.raises(WorkflowError, match="envoyez le projet aux partenaires"):
        adopt(world)
    send(world)
    strategy.refresh_from_db()
    assert strategy.status == Status.IN_REVIEW
    assert "adopt" in [m.name for m in available_moves(strategy)]
    adopt(world)
    strategy.refresh_from_db()
    assert strategy.status == Status.ADOPTED


def test_no_debate_on_a_draft_without_axes(world) -> None:  # type: ignore[no-untyped-def]
    empty = Strategy.objects.create(
        council=world.council,
        title="Stratégie 2029-2031",
        starts_on=datetime.date(2029, 1, 1),
        ends_on=datetime.date(2031, 12, 31),
    )
    with pytest.raises(WorkflowError, match="écrivez d'abord au moins un axe"):
        apply_move(empty, "debate", by=world.coordinator, meeting=world.plenary_meeting)
    empty.refresh_from_db()
    assert empty.status == Status.DRAFT


def test_without_an_early_debate_adoption_from_review_still_needs_the_debate(world) -> None:  # type: ignore[no-untyped-def]
    send(world)
    with pytest.raises(WorkflowError, match="n'est pas possible"):
        adopt(world)
