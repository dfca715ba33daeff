"""Reads go to the replica only for GET requests of people who have not just written."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from stspd.accounts.models import User
from stspd.core import routing
from stspd.core.middleware import RequestLogMiddleware


@pytest.fixture
def replica(monkeypatch):  # type: ignore[no-untyped-def]
    """A replica is configured (DATABASE_REPLICA_URL); the router is asked, nothing is read."""
    monkeypatch.setattr(routing, "replica_configured", lambda: True)


def serve(method: str, cookies: dict[str, str] | None = None) -> tuple[str | None, HttpResponse]:
    """Run one request through the middleware; return where the view's reads would go."""
    request = getattr(RequestFactory(), method.lower())("/")
    request.COOKIES.update(cookies or {})
    chosen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        chosen.append(routing.ReplicaRouter().db_for_read(User))
        return HttpResponse("")

    response = RequestLogMiddleware(view)(request)
    return chosen[0], response


def test_a_get_reads_from_the_replica(replica) -> None:  # type: ignore[no-untyped-def]
    assert serve("GET")[0] == "replica"


def test_a_post_reads_from_the_primary_and_pins_the_next_seconds(replica, settings) -> None:  # type: ignore[no-untyped-def]
    database, response = serve("POST")
    assert database == "default"
    assert response.cookies[routing.PIN_COOKIE]["max-age"] == settings.STSPD_REPLICA_PIN_SECONDS
    assert serve("GET", {routing.PIN_COOKIE: "1"})[0] == "default"


def test_outside_a_request_reads_use_the_primary(replica) -> None:  # type: ignore[no-untyped-def]
    assert routing.ReplicaRouter().db_for_read(User) == "default"


def test_inside_a_transaction_reads_use_the_primary(replica, db) -> None:  # type: ignore[no-untyped-def]
    # The test itself runs in a transaction: a read there must see its own writes.
    assert serve("GET")[0] == "default"


def test_without_a_replica_everything_uses_the_primary() -> None:
    assert not routing.replica_configured()
    assert serve("GET")[0] == "default"
    assert routing.PIN_COOKIE not in serve("POST")[1].cookies


def test_writes_and_migrations_stay_on_the_primary() -> None:
    router = routing.ReplicaRouter()
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is True
