"""The only way views reach the funding cycle's objects.

Rules, stated once:
- a call belongs to a département: a council reads the calls of the départements its communes
  are in; another council's call is a 404;
- an application belongs to its fiche action's council: an outsider gets 404; every role of the
  council reads it (the préfecture's agent, a partner, reads the council's applications and
  opinions);
- editing an application (project sheet, budget, co-funders, reports) is for the members of the
  fiche's lead organisation, for their own applications only, and for the coordinator (all of
  them): 403 for the others;
- opinions, grants and payments are the coordinator's (403 for the others).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import Membership, User
from stspd.councils.access import Access, access_council, can_edit_council, role_in
from stspd.councils.models import Council
from stspd.strategy.models import Action
from stspd.territories.models import Departement

from .models import Application, Call, Grant

LEAD_ONLY = "Seuls le pilote de la fiche action et le coordinateur du conseil modifient la demande."
COORDINATOR_ONLY = "Seul le coordinateur du conseil enregistre les avis, subventions et versements."


def council_departements(council: Council) -> QuerySet[Departement]:
    return Departement.objects.filter(communes__in=council.communes()).distinct()


def council_calls(council: Council) -> QuerySet[Call]:
    return (
        Call.objects.filter(departement__in=council_departements(council))
        .select_related("funder", "departement")
        .prefetch_related("programmes")
    )


def is_lead_member(user: User, action: Action) -> bool:
    return bool(
        action.lead_id
        and Membership.objects.filter(user_id=user.pk, organisation_id=action.lead_id).exists()
    )


def can_edit_for(user: User, role: str, action: Action) -> bool:
    return can_edit_council(role) or is_lead_member(user, action)


def access_call(
    user: User, council_id: int, call_id: int, *, edit: bool = False
) -> tuple[Access[Council], Call]:
    council = access_council(user, council_id, edit=edit)
    call = get_object_or_404(council_calls(council.obj), pk=call_id)
    return council, call


def _council_of(action: Action) -> Council:
    return action.objective.axis.strategy.council


def access_action_to_apply(user: User, action_id: int) -> Access[Action]:
    """Preparing an application from a fiche action: its lead's members or the coordinator."""
    action = get_object_or_404(
        Action.objects.select_related(
            "objective__axis__strategy__council__commune",
            "objective__axis__strategy__council__epci",
            "lead",
        ),
        pk=action_id,
    )
    role = role_in(user, _council_of(action))
    if role is None:
        raise Http404
    if not can_edit_for(user, role, action):
        raise PermissionDenied(LEAD_ONLY)
    return Access(action, role)


def access_application(
    user: User, application_id: int, *, edit: bool = False, coordinator: bool = False
) -> Access[Application]:
    application = get_object_or_404(
        Application.objects.select_related(
            "call__funder",
            "call__departement",
            "programme",
            "priority",
            "action__lead",
            "action__objective__axis__strategy__council__commune",
            "action__objective__axis__strategy__council__epci",
        ),
        pk=application_id,
    )
    role = role_in(user, _council_of(application.action))
    if role is None:
        raise Http404
    if coordinator and not can_edit_council(role):
        raise PermissionDenied(COORDINATOR_ONLY)
    if edit and not can_edit_for(user, role, application.action):
        raise PermissionDenied(LEAD_ONLY)
    return Access(application, role)


def access_grant(user: User, grant_id: int) -> Access[Grant]:
    grant = get_object_or_404(Grant, pk=grant_id)
    application = access_application(user, grant.application_id, coordinator=True)
    grant.application = application.obj
    return Access(grant, application.role)
