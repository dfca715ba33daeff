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


def annual_report(world: Any) -> dict[str, int]:
    """A review published while the strategy was in force (the revision opened after)."""
    from stspd.evaluation.publishing import publish_annual
    from stspd.strategy.enums import Status
    from stspd.strategy.models import Strategy

    strategy = publish(world)
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.IN_FORCE)
    strategy.refresh_from_db()
    publish_annual(strategy, 2026, by=world.coordinator)
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.REVISION)
    world.strategy.refresh_from_db()
    return {"council_id": world.council.pk, "year": 2026}


def archive(world: Any) -> dict[str, int]:
    strategy = publish(world)
    return {"council_id": world.council.pk, "strategy_id": strategy.pk}


def archive_report(world: Any) -> dict[str, int]:
    kwargs = annual_report(world)
    return kwargs | {"strategy_id": world.strategy.pk}


ALL: dict[str, Expectation] = {
    "public:index": (published, EVERYONE, "?q=rouen"),
    "public:catalogue": (published, EVERYONE, ""),
    "public:council": (council, EVERYONE, ""),
    "public:strategy_pdf": (council, EVERYONE, ""),
    "public:annual_report": (annual_report, EVERYONE, ""),
    "public:strategy_csv": (council, EVERYONE, ""),
    "public:strategy_json": (council, EVERYONE, ""),
    "public:indicators_csv": (council, EVERYONE, ""),
    "public:indicators_json": (council, EVERYONE, ""),
    "public:archive": (archive, EVERYONE, ""),
    "public:archive_pdf": (archive, EVERYONE, ""),
    "public:archive_report": (archive_report, EVERYONE, ""),
    "public:archive_strategy_csv": (archive, EVERYONE, ""),
    "public:archive_strategy_json": (archive, EVERYONE, ""),
    "public:archive_indicators_csv": (archive, EVERYONE, ""),
    "public:archive_indicators_json": (archive, EVERYONE, ""),
    "public:funds": (council, EVERYONE, ""),
    "public:funds_csv": (council, EVERYONE, ""),
    "public:funds_json": (council, EVERYONE, ""),
    "public:archive_funds": (archive, EVERYONE, ""),
    "public:archive_funds_csv": (archive, EVERYONE, ""),
    "public:archive_funds_json": (archive, EVERYONE, ""),
    "public:all_strategies_csv": (council, EVERYONE, ""),
    "public:all_strategies_json": (council, EVERYONE, ""),
    "public:all_indicators_csv": (council, EVERYONE, ""),
    "public:all_indicators_json": (council, EVERYONE, ""),
}
