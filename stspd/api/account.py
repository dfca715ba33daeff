"""Who the API sees: the caller, their councils and roles, and the token's scopes."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from stspd.councils.access import user_councils
from stspd.councils.models import CouncilRole

from .auth import caller, token_of
from .errors import ERRORS, WRITES, read_only

router = Router(tags=["Compte"])


class CouncilRoleOut(Schema):
    conseil_id: int
    conseil: str
    role: str


class Me(Schema):
    adresse: str
    nom: str
    jeton: str | None
    portees: list[str]
    conseils: list[CouncilRoleOut]


@router.get(
    "/moi",
    response={200: Me} | ERRORS,
    url_name="me",
    summary="Moi : mes conseils et les portées du jeton",
)
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller, the councils they can read with their role, and the token's scopes."""
    user = caller(request)
    token = token_of(request)
    roles = dict(CouncilRole.objects.filter(user=user).values_list("council_id", "role"))
    return {
        "adresse": user.email,
        "nom": user.get_full_name(),
        "jeton": token.name if token else None,
        "portees": token.scopes if token else ["lecture", "saisie"],
        "conseils": [
            {
                "conseil_id": council.pk,
                "conseil": council.name,
                "role": roles.get(council.pk, "admin" if user.is_superuser else ""),
            }
            for council in user_councils(user).order_by("name")
        ],
    }


@router.api_operation(WRITES, "/moi", url_name="me", include_in_schema=False)
def me_write(request: HttpRequest) -> HttpResponse:
    caller(request)
    return read_only(request)
