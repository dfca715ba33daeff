"""Who writes and validates appraisals.

Rules, stated once:
- any role of the council reads the evaluation (an outsider gets 404, through the strategy's
  access helpers);
- the coordinator (or the site admin) writes every appraisal; what they write is validated;
- the members of a fiche action's lead organisation write the appraisal of their own fiche: a
  draft, which they may change until the coordinator validates it; afterwards only the
  coordinator changes it. They write no objective's appraisal;
- validating is the coordinator's; everyone else gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import Access, can_edit_council
from stspd.funding.access import is_lead_member
from stspd.strategy.access import access_action, access_objective
from stspd.strategy.models import Action

from .models import Appraisal

COORDINATOR_ONLY = "Seul le coordinateur du conseil rédige l'évaluation."
LEAD_OR_COORDINATOR = (
    "Seuls le pilote de la fiche action et le coordinateur du conseil rédigent son appréciation."
)
VALIDATED = "Cette appréciation est validée : seul le coordinateur du conseil la modifie."
VALIDATION = "Seul le coordinateur du conseil valide les appréciations."


def ensure_coordinator(role: str) -> None:
    """Objectives' appraisals and evaluation settings are written by the coordinator."""
    if not can_edit_council(role):
        raise PermissionDenied(COORDINATOR_ONLY)


def may_appraise(user: User, role: str, action: Action) -> bool:
    return can_edit_council(role) or is_lead_member(user, action)


def access_action_to_appraise(user: User, action_id: int) -> Access[Action]:
    granted = access_action(user, action_id)
    if not may_appraise(user, granted.role, granted.obj):
        raise PermissionDenied(LEAD_OR_COORDINATOR)
    return granted


def access_appraisal(user: User, appraisal_id: int, *, validate: bool = False) -> Access[Appraisal]:
    """An appraisal to change (or, with `validate`, to validate), once the rules are checked."""
    appraisal = get_object_or_404(Appraisal, pk=appraisal_id)
    if appraisal.action_id is not None:
        action = access_action(user, appraisal.action_id)
        appraisal.action = action.obj
        role = action.role
        if validate or appraisal.is_validated:
            if not can_edit_council(role):
                raise PermissionDenied(VALIDATION if validate else VALIDATED)
        elif not may_appraise(user, role, action.obj):
            raise PermissionDenied(LEAD_OR_COORDINATOR)
    else:
        assert appraisal.objective_id is not None
        objective = access_objective(user, appraisal.objective_id)
        appraisal.objective = objective.obj
        role = objective.role
        ensure_coordinator(role)
    return Access(appraisal, role)
