"""Demo context indicators: the real extracts shipped in the context room's `data/`
(provenance in its README.md), imported once; two of the library's context indicators beside the
result indicator they explain in the demo strategy."""

from __future__ import annotations

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.context.extracts import DATA_DIR, SHIPPED
from stspd.context.importer import ContextReport, import_context
from stspd.context.models import ContextEdition
from stspd.indicators.enums import Direction
from stspd.indicators.models import IndicatorDefinition
from stspd.strategy.models import ObjectiveIndicator, Strategy

# (kind, file) in import order; the unemployment rates take the commune -> zone table.
DEMO_CONTEXT = [(kind, DATA_DIR / SHIPPED[kind]) for kind in ("filosofi", "qpv", "sru", "ips")]


def load_demo_context() -> list[ContextReport]:
    """Import the shipped context files, unless some context edition is already stored."""
    if ContextEdition.objects.exists():
        return []
    reports = [import_context(path, kind) for kind, path in DEMO_CONTEXT]
    reports.append(
        import_context(DATA_DIR / SHIPPED["chomage"], "chomage", zones=DATA_DIR / SHIPPED["zones"])
    )
    return reports


# The demo strategy's result indicator on Rouen that the context indicators explain, and the
# library's context sources shown beside it (both on Rouen: the poverty rate of the commune and
# the unemployment rate of its employment zone).
EXPLAINED = "Vols violents sans arme"
BESIDE = ("poverty_rate", "unemployment_rate")


def add_demo_context_indicators(strategy: Strategy, coordinator: User) -> list[ObjectiveIndicator]:
    """Add the context indicators beside the result indicator they explain (once)."""
    result = (
        ObjectiveIndicator.objects.filter(
            objective__axis__strategy=strategy,
            definition__observatory_indicator__label=EXPLAINED,
        )
        .select_related("objective", "commune")
        .first()
    )
    if result is None:
        return []
    added = []
    for source in BESIDE:
        definition = IndicatorDefinition.objects.filter(context_source=source).first()
        if definition is None or result.objective.indicators.filter(definition=definition):
            continue
        use = ObjectiveIndicator.objects.create(
            objective=result.objective,
            definition=definition,
            direction=Direction.DECREASE,
            commune=result.commune,
        )
        use.explains.set([result])
        record(
            coordinator,
            "created",
            use,
            council=strategy.council,
            changes={"explains": ["", str(result)]},
            label=f"{result.objective} — {definition.name} (démonstration)",
        )
        added.append(use)
    return added
