import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from stspd.api.models import ApiToken


def token(user: Any, scopes: tuple[str, ...] = ("lecture",), days: int = 30) -> str:
    """A token of `user` (its secret); negative `days` gives an expired one."""
    _, secret = ApiToken.issue(
        user,
        name="test",
        scopes=list(scopes),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def get(client: Client, url: str, secret: str, **params: Any) -> Any:
    return client.get(url, params, **bearer(secret))


def post(client: Client, url: str, secret: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json", **bearer(secret))
