"""Reads from a PostgreSQL replica, writes to the primary (DATABASE_REPLICA_URL).

A replica lags the primary by a moment, so a read goes to it only when a stale answer cannot
surprise anyone: a GET request of a person who has not written anything in the last seconds
(a cookie pins them to the primary after a write), outside any transaction. Commands, the task
worker and every write use the primary.
"""

from contextvars import ContextVar, Token
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "stspd_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def start_request(request: HttpRequest) -> Token[bool]:
    allowed = request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
    return _replica_allowed.set(allowed)


def end_request(token: Token[bool]) -> None:
    _replica_allowed.reset(token)


def after_response(request: HttpRequest, response: HttpResponse) -> None:
    """After a write, read one's own writes: the primary for the next few seconds."""
    if replica_configured() and request.method not in SAFE_METHODS:
        response.set_cookie(
            PIN_COOKIE,
            "1",
            max_age=settings.STSPD_REPLICA_PIN_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (
            replica_configured()
            and _replica_allowed.get()
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
