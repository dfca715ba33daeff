"""The only way views reach what is reported: an indicator of an action or an objective, and
its reported values. Each helper returns an `Access` (the object and the person's role in the
council).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import Membership, User
from stspd.councils.access import Access, can_edit_council, role_in
from stspd.councils.enums import Role
from stspd.councils.models import Council
from stspd.strategy.models import Action, ActionIndicator, ObjectiveIndicator, Strategy

from .models import Measurement

# Reporting. Rules, stated once:
# - an action's activity indicators are reported by its lead: the council's partners and
#   coordinators who are members of the action's lead organisation; the coordinator may report
#   any of them too;
# - an objective's result or context indicators not bound to the observatory are reported by the
#   coordinator and by the leads of the objective's actions; those bound to the observatory are
#   never reported (their values come from the imported editions);
# - only the coordinator validates or returns a submitted value;
# - a person with no role in the council gets 404; a role without the right gets 403.

REPORTER_ROLES = (Role.COORDINATOR, Role.PARTNER)
IndicatorUse = ActionIndicator | ObjectiveIndicator
USE_KINDS: dict[str, type[IndicatorUse]] = {
    "action": ActionIndicator,
    "objectif": ObjectiveIndicator,
}
STRATEGY_PATH = {
    "action": "action__objective__axis__strategy",
    "objectif": "objective__axis__strategy",
}


def lead_reporters(council: Council, organisation_ids: Iterable[int]) -> QuerySet[User]:
    """The council's partners and coordinators who are members of one of the organisations."""
    return User.objects.filter(
        council_roles__council=council,
        council_roles__role__in=REPORTER_ROLES,
        memberships__organisation__in=list(organisation_ids),
    ).distinct()


def organisations_of(user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def lead_ids(use: IndicatorUse) -> set[int]:
    """The lead organisations whose members report the indicator."""
    if isinstance(use, ActionIndicator):
        return {use.action.lead_id} if use.action.lead_id else set()
    return set(
        Action.objects.filter(objective=use.objective_id, lead__isnull=False).values_list(
            "lead_id", flat=True
        )
    )


def may_report(user: User, role: str | None, use: IndicatorUse) -> bool:
    if can_edit_council(role):
        return True
    if role not in REPORTER_ROLES:
        return False
    return bool(lead_ids(use) & organisations_of(user))


def strategy_of(use: IndicatorUse) -> Strategy:
    if isinstance(use, ActionIndicator):
        return use.action.objective.axis.strategy
    return use.objective.axis.strategy


def kind_of(use: IndicatorUse) -> str:
    return "action" if isinstance(use, ActionIndicator) else "objectif"


def access_indicator_use(user: User, kind: str, use_id: int) -> Access[IndicatorUse]:
    """An indicator of an action ("action") or of an objective ("objectif"), for reporting its
    values: 404 for an outsider, 403 for a member of the council who does not report it."""
    if kind not in USE_KINDS:
        raise Http404
    path = STRATEGY_PATH[kind]
    related = ["definition", f"{path}__council__commune", f"{path}__council__epci"]
    if kind == "action":
        related.append("action__lead")
    model = USE_KINDS[kind]
    use = get_object_or_404(model.objects.select_related(*related), pk=use_id)
    assert isinstance(use, model)
    strategy = strategy_of(use)
    role = role_in(user, strategy.council)
    if role is None:
        raise Http404
    if not may_report(user, role, use):
        raise PermissionDenied(
            "Cet indicateur est renseigné par le pilote de la fiche action (les membres de "
            "l'organisation pilote) et par le coordinateur du conseil."
        )
    return Access(use, role)


def access_measurement(
    user: User, measurement_id: int, *, review: bool = False
) -> Access[Measurement]:
    """A reported value: its reporters and the coordinator read it; only the coordinator
    validates or returns it (`review`)."""
    measurement = get_object_or_404(
        Measurement.objects.select_related(
            "submitted_by",
            "reviewed_by",
            "action_indicator__definition",
            "action_indicator__action__lead",
            "action_indicator__action__objective__axis__strategy__council",
            "objective_indicator__definition",
            "objective_indicator__commune",
            "objective_indicator__objective__axis__strategy__council",
        ),
        pk=measurement_id,
    )
    use = measurement.use
    council = strategy_of(use).council
    role = role_in(user, council)
    if role is None:
        raise Http404
    if review and not can_edit_council(role):
        raise PermissionDenied("Seul le coordinateur du conseil valide ou renvoie une valeur.")
    if not may_report(user, role, use):
        raise PermissionDenied(
            "Cette valeur se consulte par le pilote qui la renseigne et par le coordinateur."
        )
    return Access(measurement, role)
