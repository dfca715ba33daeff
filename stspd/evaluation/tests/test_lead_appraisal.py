"""A fiche's lead writes a draft of its appraisal; the coordinator validates it; reports use only
validated appraisals (issue 14, item 7)."""

import pytest
from django.urls import reverse

from stspd.accounts.models import Membership, User
from stspd.audit.models import VERB_LABELS, Event
from stspd.conftest import World, make_user
from stspd.councils.enums import Role
from stspd.councils.models import CouncilRole
from stspd.evaluation.models import Appraisal
from stspd.evaluation.reports import build_report
from stspd.strategy.models import Action

from .test_views import APPRAISAL


def lead_member(world: World) -> User:
    """A partner of the council working for the organisation that leads `world.action`."""
    user = make_user("pilote@example.org", "Léa", "Pilote")
    CouncilRole.objects.create(council=world.council, user=user, role=Role.PARTNER)
    assert world.action.lead_id is not None
    Membership.objects.create(user=user, organisation_id=world.action.lead_id)
    return user


def reported(world: World) -> list[Appraisal]:
    """The fiches' appraisals the 2026 annual review uses."""
    report = build_report(world.strategy, 2026)
    return [
        action.appraisal
        for axis in report.axes
        for objective in axis.objectives
        for action in objective.actions
        if action.appraisal is not None
    ]


def other_action(world: World) -> Action:
    """A fiche of the same objective led by nobody the lead works for."""
    return Action.objects.create(objective=world.objective, position=2, title="Autre fiche")


def test_the_lead_writes_a_draft_of_its_fiche_and_the_coordinator_validates_it(
    login,  # type: ignore[no-untyped-def]
    world: World,
) -> None:
    lead = lead_member(world)
    client = login(lead)
    page = client.get(reverse("evaluation:objective", args=[world.objective.pk])).content.decode()
    add = reverse("evaluation:action_appraisal_add", args=[world.action.pk])
    assert f'href="{add}"' in page
    assert client.post(add, APPRAISAL).status_code == 302
    appraisal = Appraisal.objects.get(action=world.action)
    assert not appraisal.is_validated and appraisal.updated_by == lead
    # A draft: the lead still changes it; it is not in the reports.
    edit = reverse("evaluation:appraisal_edit", args=[appraisal.pk])
    assert client.post(edit, APPRAISAL | {"reasons": "Plus tard."}).status_code == 302
    assert reported(world) == []
    # The lead does not validate.
    validate = reverse("evaluation:appraisal_validate", args=[appraisal.pk])
    assert client.post(validate).status_code == 403

    coordinator = login(world.coordinator)
    page = coordinator.get(
        reverse("evaluation:objective", args=[world.objective.pk])
    ).content.decode()
    assert f'action="{validate}"' in page
    assert coordinator.post(validate).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.validated_by == world.coordinator and appraisal.validated_at is not None
    event = Event.objects.get(verb="appraisal_validated")
    assert event.actor == world.coordinator and event.council == world.council
    assert VERB_LABELS["appraisal_validated"]
    assert reported(world) == [appraisal]
    # Validated: only the coordinator changes it now.
    assert login(lead).post(edit, APPRAISAL).status_code == 403
    assert login(world.coordinator).post(edit, APPRAISAL).status_code == 302


def test_the_lead_appraises_only_its_own_fiches(login, world: World) -> None:  # type: ignore[no-untyped-def]
    lead = lead_member(world)
    other = other_action(world)
    client = login(lead)
    assert (
        client.post(reverse("evaluation:action_appraisal_add", args=[other.pk]), APPRAISAL)
    ).status_code == 403
    # Nor an objective, nor another fiche's appraisal written by the coordinator.
    assert (
        client.post(
            reverse("evaluation:objective_appraisal_add", args=[world.objective.pk]), APPRAISAL
        )
    ).status_code == 403
    theirs = Appraisal.objects.create(
        action=other, year=2026, implementation="partly", recommendation="adjust", reasons="."
    )
    assert (
        client.post(reverse("evaluation:appraisal_edit", args=[theirs.pk]), APPRAISAL).status_code
        == 403
    )
    assert Appraisal.objects.filter(action=world.action).count() == 0


@pytest.mark.parametrize("who", ["reader", "partner", "wg_signed"])
def test_other_roles_neither_write_nor_validate_a_lead_draft(login, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    draft = Appraisal.objects.create(
        action=world.action,
        year=2026,
        implementation="partly",
        recommendation="adjust",
        reasons=".",
    )
    client = login(getattr(world, who))
    assert (
        client.post(reverse("evaluation:action_appraisal_add", args=[world.action.pk]), APPRAISAL)
    ).status_code == 403
    assert (
        client.post(reverse("evaluation:appraisal_edit", args=[draft.pk]), APPRAISAL).status_code
        == 403
    )
    assert client.post(reverse("evaluation:appraisal_validate", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_validated


def test_an_outsider_does_not_see_a_draft(login, world: World) -> None:  # type: ignore[no-untyped-def]
    draft = Appraisal.objects.create(
        action=world.action,
        year=2026,
        implementation="partly",
        recommendation="adjust",
        reasons=".",
    )
    client = login(world.outsider)
    assert client.post(reverse("evaluation:appraisal_validate", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("evaluation:appraisal_edit", args=[draft.pk]), APPRAISAL).status_code
        == 404
    )


def test_what_the_coordinator_writes_is_validated(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    client.post(reverse("evaluation:action_appraisal_add", args=[world.action.pk]), APPRAISAL)
    appraisal = Appraisal.objects.get(action=world.action)
    assert appraisal.validated_by == world.coordinator
