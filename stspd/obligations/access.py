"""Who reaches the obligations' pages and the State's views.

- A council's obligations, agreements and yearly returns: any role in the council reads them
  (the coordinator edits, see `councils.access`); a préfecture agent reads those of every
  council of its département (`council_departement_id`), and no other (404); a national agent is an
  outsider to each council (404): it reads aggregates only.
- The département view: the préfecture agent of that département and the site admin; another
  département's agent gets 404; every other signed-in person 403 (a national agent included:
  the view lists councils one by one).
- The national view: national agents and the site admin; everyone else 403.

Neither State role ever reaches a working group's content: these pages show counts only, and
the councils' own pages keep their rules (a State agent without a council role is an outsider
there).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import Access, role_in
from stspd.councils.models import Council
from stspd.territories.models import Departement

from .models import StateLevel, StateRole

PREFECTURE = "prefecture"


def state_role(user: User) -> StateRole | None:
    if not user.is_authenticated:
        return None
    return StateRole.objects.select_related("departement").filter(user=user).first()


def council_departement_id(council: Council) -> int | None:
    """The council's département: its commune's, or for a CISPD that of its most populous
    commune (an EPCI may straddle two départements; each council is counted in one, so that
    the national view's sums over départements count it once)."""
    first = (
        council.communes().order_by("-population", "code").values_list("departement_id", flat=True)
    )
    return first.first()


def access_council(user: User, council_id: int, *, edit: bool = False) -> Access[Council]:
    """A council's obligations pages: its own roles as in `councils.access`, plus the
    préfecture agent of one of its départements (reading only)."""
    council = get_object_or_404(Council.objects.select_related("commune", "epci"), pk=council_id)
    role = role_in(user, council)
    if role is None:
        state = state_role(user)
        if (
            state is None
            or state.level != StateLevel.PREFECTURE
            or not council.is_approved
            or state.departement_id != council_departement_id(council)
        ):
            raise Http404
        role = PREFECTURE
    access = Access(council, role)
    if edit and not access.can_edit:
        raise PermissionDenied("Seul le coordinateur du conseil peut faire cette modification.")
    return access


def opens_every_departement(user: User) -> bool:
    """Whether every département view is the person's: the site admin only (a national agent
    reads aggregates, a préfecture agent their own département)."""
    return user.is_authenticated and user.is_superuser


def access_departement(user: User, code: str) -> Departement:
    departement = get_object_or_404(Departement, code=code)
    if opens_every_departement(user):
        return departement
    state = state_role(user)
    if state is not None and state.level == StateLevel.PREFECTURE:
        if state.departement_id != departement.pk:
            raise Http404
        return departement
    raise PermissionDenied("Cette vue est réservée aux agents de la préfecture du département.")


def opens_national(user: User, state: StateRole | None) -> bool:
    """Whether the national view is the person's (`state`: their `state_role`): national agents
    and the site admin."""
    if user.is_authenticated and user.is_superuser:
        return True
    return state is not None and state.level == StateLevel.NATIONAL


def check_national(user: User) -> None:
    if not opens_national(user, None if user.is_superuser else state_role(user)):
        raise PermissionDenied("Cette vue est réservée au secrétariat national.")
