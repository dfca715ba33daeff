"""Who is calling: a personal token (`Authorization: Bearer stspd_...`) or the signed-in session.

A token acts as its owner within its scopes; the session (the platform's own pages) has all of
its owner's rights. What the owner may see is then decided by the access helper of each object,
as for the pages: an outsider gets 404, a missing right 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from stspd.accounts.models import User

from .models import ApiToken, Scope, digest

# A token's last use is written at most this often (not one write per request).
LAST_USE_PRECISION = datetime.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        # The primary, even for a GET: a revocation holds at once, not once a replica has it.
        found = (
            ApiToken.objects.using(DEFAULT_DB_ALIAS)
            .select_related("user")
            .filter(digest=digest(token.strip()))
            .first()
        )
        if found is None or found.revoked_at is not None or not found.user.is_active:
            raise HttpError(
                401,
                "Jeton inconnu ou révoqué : créez un jeton dans « Mon compte > Jetons d'API ».",
            )
        now = timezone.now()
        if found.expires_at <= now:
            when = timezone.localtime(found.expires_at)
            raise HttpError(
                401,
                f"Ce jeton a expiré le {when:%d/%m/%Y à %H:%M} : créez-en un nouveau dans "
                "« Mon compte > Jetons d'API ».",
            )
        if found.last_used_at is None or now - found.last_used_at > LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.api_token = found  # type: ignore[attr-defined]  # our own attribute on the request, read back by token_of()
        return found.user


class SignedInSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        request.api_token = None  # type: ignore[attr-defined]  # our own attribute on the request, read back by token_of()
        return super().authenticate(request, key)


# A bearer token first: with a token in the header, the session cookie is not looked at.
AUTH = [TokenAuth(), SignedInSession()]


def token_of(request: HttpRequest) -> ApiToken | None:
    """The token the request came with; None for the signed-in session."""
    token: ApiToken | None = getattr(request, "api_token", None)
    return token


def caller(request: HttpRequest, scope: str = Scope.READ) -> User:
    """The person behind the request, once the token's scopes allow `scope` (403 otherwise)."""
    token = token_of(request)
    if token is not None and scope not in token.scopes:
        raise HttpError(
            403,
            f"Ce jeton n'a pas la portée « {scope} » : créez un jeton qui l'a dans "
            "« Mon compte > Jetons d'API ».",
        )
    user = request.auth  # type: ignore[attr-defined]  # set by django-ninja once an AUTH class accepted the request
    assert isinstance(user, User)
    return user
