"""Expected statuses of the public portal's URLs for the permission matrix: everyone reads
them, signed in or not (core/tests/test_permissions merges this dict)."""

from collections.abc import Callable
from typing import Any

from .helpers import publish

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

EVERYONE = dict.fromkeys(
    [
        "anonymous",
        "outsider",
        "reader",
        "partner",
        "wg_unsigned",
        "wg_signed",
        "coordinator",
        "site_admin",
    ],
    200,
)


def published(world: Any) -> dict[str, Any]:
    publish(world)
    return {}


def council(world: Any) -> dict[str, int]:
    publish(world)
    return {"council_id": world.council.pk}


ALL: dict[str, Expectation] = {
    "public:index": (published, EVERYONE, "?q=rouen"),
    "public:catalogue": (published, EVERYONE, ""),
    "public:council": (council, EVERYONE, ""),
    "public:strategy_pdf": (council, EVERYONE, ""),
    "public:strategy_csv": (council, EVERYONE, ""),
    "public:strategy_json": (council, EVERYONE, ""),
    "public:indicators_csv": (council, EVERYONE, ""),
    "public:indicators_json": (council, EVERYONE, ""),
}
