"""Publishing the world's strategy: adopted (then in revision), its result indicator public."""

from typing import Any

from stspd.strategy.enums import Status
from stspd.strategy.models import ObjectiveIndicator, Strategy
from stspd.strategy.workflow import apply_move, has_been_adopted


def publish(world: Any) -> Strategy:
    """Adopt the world's strategy (version 1) with its SSMSI indicator marked public; safe to
    call twice."""
    strategy: Strategy = world.strategy
    if not has_been_adopted(strategy):
        ObjectiveIndicator.objects.filter(
            objective=world.objective, definition__observatory_indicator=world.indicator
        ).update(public=True)
        Strategy.objects.filter(pk=strategy.pk).update(status=Status.ORIENTATION_DEBATED)
        strategy.refresh_from_db()
        apply_move(
            strategy,
            "adopt",
            by=world.coordinator,
            meeting=world.plenary_meeting,
            adoption_mode="consensus",
        )
        # Then a revision is open, as for a strategy amended after its adoption: the public
        # still sees the adopted version, and the working copy stays editable for the other
        # rows of the permission matrix, which the accessibility crawl builds on one world.
        Strategy.objects.filter(pk=strategy.pk).update(status=Status.REVISION)
        strategy.refresh_from_db()
    return strategy
