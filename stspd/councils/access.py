"""The only way views reach a council's objects.

Rules, stated once:
- a person with no role in the council gets 404 for everything in it (it does not exist for
  them); a site admin (superuser) reads and edits every council;
- a council waiting for the site admin's approval is an outsider's council to everyone else,
  its creator included (404);
- coordinators edit everything of their council; partners and readers read the plenary and
  restricted content;
- a working group's content (members, meetings, minutes, decisions) is visible only to the
  group's members who signed its charter, never to other roles, the site admin included: a
  council role without that signature gets 403. Editing it needs both the coordinator role and a
  signed seat in the group.

Every helper returns an `Access`: the object reached and the person's role, typed, so that a view
decides what to show (an edit button) from what the helper already checked.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.core.refusals import RefusalWithLink

from .enums import FormationKind, Role
from .models import (
    Council,
    CouncilMember,
    CouncilRole,
    Decision,
    Formation,
    FormationMember,
    Meeting,
)


def role_in(user: User, council: Council) -> str | None:
    """The user's role in the council, "admin" for a site admin, None for an outsider."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return "admin"
    if not council.is_approved:
        # Pending the site admin's approval: nobody uses it, its creator included.
        return None
    return council.roles.filter(user=user).values_list("role", flat=True).first()


def can_edit_council(role: str | None) -> bool:
    return role in (Role.COORDINATOR, "admin")


T = TypeVar("T")


@dataclass(frozen=True)
class Access(Generic[T]):
    """An object reached through its access helper, with the person's role in its council
    ("admin" for a site admin)."""

    obj: T
    role: str

    @property
    def can_edit(self) -> bool:
        """The coordinator or the site admin."""
        return can_edit_council(self.role)

    @property
    def is_coordinator(self) -> bool:
        """The coordinator role itself: a site admin is not one."""
        return self.role == Role.COORDINATOR


def user_councils(user: User) -> QuerySet[Council]:
    """Councils the user may open, for the home page."""
    councils = Council.objects.select_related("commune", "epci")
    if user.is_superuser:
        return councils
    return councils.filter(roles__user=user, approved_at__isnull=False)


def user_roles(user: User) -> list[tuple[Council, str]]:
    """The approved councils the person has a role in, with the role (one query)."""
    roles = (
        CouncilRole.objects.filter(user=user, council__approved_at__isnull=False)
        .select_related("council__commune", "council__epci")
        .order_by("council__name")
    )
    return [(r.council, r.role) for r in roles]


def pending_councils(user: User) -> QuerySet[Council]:
    """Councils waiting for the site admin's approval: all for the admin, one's own otherwise."""
    councils = Council.objects.filter(approved_at__isnull=True).select_related(
        "commune", "epci", "coordinator"
    )
    return councils if user.is_superuser else councils.filter(coordinator=user)


def plenary_decisions(council: Council) -> QuerySet[Decision]:
    """The decisions every role of the council reads: those of plenary and restricted meetings
    (a working group's stay in the group)."""
    return (
        Decision.objects.filter(meeting__formation__council=council)
        .exclude(meeting__formation__kind=FormationKind.WORKING_GROUP)
        .select_related("owner", "meeting__formation")
    )


def access_council(user: User, council_id: int, *, edit: bool = False) -> Access[Council]:
    """Reading needs any role in the council; editing needs the coordinator role."""
    council = get_object_or_404(Council.objects.select_related("commune", "epci"), pk=council_id)
    role = role_in(user, council)
    if role is None:
        raise Http404
    if edit and not can_edit_council(role):
        raise PermissionDenied("Seul le coordinateur du conseil peut faire cette modification.")
    return Access(council, role)


def signed_seat(user: User, formation: Formation) -> FormationMember | None:
    seat = FormationMember.objects.filter(formation=formation, user=user).first()
    return seat if seat and seat.charter_signed_on else None


def check_formation(
    user: User, formation: Formation, *, edit: bool, reached: models.Model | None = None
) -> str:
    """The person's role in the formation's council, once its rules are checked.

    Every access granted to a working group's content writes a confidential `read` event
    (the object reached, or the group), whatever the page: detail, form or confirmation."""
    role = role_in(user, formation.council)
    if role is None:
        raise Http404
    seat = (
        FormationMember.objects.filter(formation=formation, user=user).first()
        if formation.is_working_group
        else None
    )
    if formation.is_working_group and (seat is None or seat.charter_signed_on is None):
        refused = (
            "Le contenu de ce groupe de travail est réservé à ses membres "
            "ayant signé la charte déontologique."
        )
        if seat is not None:
            # A member who has not signed yet: the refusal leads to the charter.
            raise RefusalWithLink(
                f"{refused} Vous en êtes membre : signez sa charte pour y accéder.",
                link=reverse("councils:charter", args=[formation.pk]),
                link_text="Lire et signer la charte du groupe",
            )
        raise PermissionDenied(refused)
    if edit and not can_edit_council(role):
        raise PermissionDenied("Seul le coordinateur du conseil peut faire cette modification.")
    if formation.is_working_group:
        record(user, "read", reached or formation, council=formation.council, formation=formation)
    return role


def access_formation(user: User, formation_id: int, *, edit: bool = False) -> Access[Formation]:
    formation = get_object_or_404(
        Formation.objects.select_related("council__commune", "council__epci"), pk=formation_id
    )
    return Access(formation, check_formation(user, formation, edit=edit))


def access_charter(user: User, formation_id: int) -> tuple[Formation, FormationMember]:
    """A working group's charter is shown to the group's members, signed or not, to sign it."""
    formation = get_object_or_404(
        Formation.objects.select_related("council"), pk=formation_id, kind="working_group"
    )
    if role_in(user, formation.council) is None:
        raise Http404
    seat = FormationMember.objects.filter(formation=formation, user=user).first()
    if seat is None:
        raise PermissionDenied("Seuls les membres de ce groupe de travail en signent la charte.")
    return formation, seat


def access_meeting(user: User, meeting_id: int, *, edit: bool = False) -> Access[Meeting]:
    meeting = get_object_or_404(
        Meeting.objects.select_related("formation__council__commune", "formation__council__epci"),
        pk=meeting_id,
    )
    return Access(meeting, check_formation(user, meeting.formation, edit=edit, reached=meeting))


def access_decision(user: User, decision_id: int, *, edit: bool = False) -> Access[Decision]:
    decision = get_object_or_404(
        Decision.objects.select_related("meeting__formation__council", "owner"), pk=decision_id
    )
    formation = decision.meeting.formation
    return Access(decision, check_formation(user, formation, edit=edit, reached=decision))


def access_member(user: User, member_id: int, *, edit: bool = False) -> Access[CouncilMember]:
    member = get_object_or_404(
        CouncilMember.objects.select_related("council", "organisation"), pk=member_id
    )
    return Access(member, access_council(user, member.council_id, edit=edit).role)


def access_formation_member(
    user: User, seat_id: int, *, edit: bool = False
) -> Access[FormationMember]:
    seat = get_object_or_404(
        FormationMember.objects.select_related("formation__council", "user"), pk=seat_id
    )
    return Access(seat, check_formation(user, seat.formation, edit=edit, reached=seat))


def access_role(user: User, role_id: int, *, edit: bool = False) -> Access[CouncilRole]:
    role = get_object_or_404(CouncilRole.objects.select_related("council", "user"), pk=role_id)
    return Access(role, access_council(user, role.council_id, edit=edit).role)
