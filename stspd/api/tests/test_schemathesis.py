"""schemathesis over the whole OpenAPI schema: every operation, generated parameters and bodies
(valid and invalid), with a token that can read and report: no server error, every response
documented and matching its schema.

Each generated case is sent twice: as generated (mostly unknown ids), and with its ids replaced
by the world's real ones, so that the bodies reach real objects too. The rate limits are raised:
429 is tested on its own (test_reporting).
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stspd.public.tests.helpers import publish
from stspd.steering.tests.reporting_helpers import in_force

from .helpers import token

EXAMPLES = 25


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; Django's test
    client stops that, or the test's transaction would go with it (PostgreSQL). Same here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded when the tests are collected: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


# The requests sent again with real ids are checked for conformance only: replacing an invalid
# id by a real one turns a "negative" case into a valid one.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def real_ids(world: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    """The path parameters with the world's real objects."""
    ids = {
        "council_id": world.council.pk,
        "strategy_id": world.strategy.pk,
        "use_id": world.action.indicators.get().pk,
    }
    real = {name: ids.get(name, value) for name, value in parameters.items()}
    if "use_id" in parameters:
        real["kind"] = "action"
    elif "key" in parameters:
        real |= {"kind": "epci", "key": "200023414"}
    return real


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@override_settings(
    STSPD_API_REQUESTS_PER_MINUTE=10**6, STSPD_API_ANONYMOUS_REQUESTS_PER_MINUTE=10**6
)
def test_every_operation_answers_as_documented(case, world) -> None:  # type: ignore[no-untyped-def]
    if not getattr(world, "ready", False):
        in_force(world)
        publish(world)
        world.secret = token(world.coordinator, ("lecture", "saisie"))
        world.ready = True
    headers = {"Authorization": f"Bearer {world.secret}"}
    # Reporting a value may be refused by the platform's rules (a period outside the strategy,
    # a value already validated...): a documented 400 for a request that fits the schema.
    business_rules = [positive_data_acceptance] if case.method == "POST" else []
    case.call_and_validate(headers=headers, excluded_checks=business_rules)
    if case.path_parameters:
        case.path_parameters = real_ids(world, case.path_parameters)
        case.validate_response(case.call(headers=headers), checks=CONFORMANCE)
