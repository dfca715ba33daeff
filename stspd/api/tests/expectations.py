"""Expected statuses of the API's URLs for the permission matrix (core/tests/test_permissions
merges this dict). The public reads need no token; the others answer 401 without a token or a
session, then follow the access rule of their object, as the pages do."""

import datetime
from typing import Any

from django.utils import timezone

from stspd.api.models import ApiToken
from stspd.public.tests.expectations import EVERYONE, Expectation, council, published

SIGNED_IN = EVERYONE | {"anonymous": 401}
COUNCIL_READ = SIGNED_IN | {"outsider": 404}
# Reported values: the action's lead (none of the cast here) and the coordinator.
REPORTERS = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}
# Revoking is a POST by the token's owner (a GET: 405); another person's token does not exist
# for them.
OWNER_POST = dict.fromkeys(EVERYONE, 404) | {"anonymous": 302, "coordinator": 405}


def strategy(world: Any) -> dict[str, int]:
    return {"strategy_id": world.strategy.pk}


def action_indicator(world: Any) -> dict[str, Any]:
    return {"kind": "action", "use_id": world.action.indicators.get().pk}


def coordinator_token(world: Any) -> dict[str, int]:
    token, _ = ApiToken.issue(
        world.coordinator,
        name="tableur",
        scopes=["lecture"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return {"token_id": token.pk}


ALL: dict[str, Expectation] = {
    # django-ninja's root: only there to compute paths; a 404 for everyone (no docs page).
    "api:api-root": (lambda w: {}, dict.fromkeys(EVERYONE, 404), ""),
    "api:openapi-json": (lambda w: {}, EVERYONE, ""),
    "api:territories": (published, EVERYONE, "?q=rouen"),
    "api:territory": (council, EVERYONE, ""),
    "api:territory_indicators": (council, EVERYONE, ""),
    "api:me": (lambda w: {}, SIGNED_IN, ""),
    # Recorded-crime figures are open data for anyone signed in (as the observatory's pages).
    "api:observatory": (lambda w: {"kind": "epci", "key": "200023414"}, SIGNED_IN, ""),
    "api:strategies": (lambda w: {}, SIGNED_IN, ""),
    "api:strategy": (strategy, COUNCIL_READ, ""),
    "api:strategy_indicators": (strategy, COUNCIL_READ, ""),
    "api:measurements": (action_indicator, REPORTERS, ""),
    # A person's own tokens.
    "tokens:list": (lambda w: {}, EVERYONE | {"anonymous": 302}, ""),
    "tokens:revoke": (coordinator_token, OWNER_POST, ""),
}
