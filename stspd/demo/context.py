"""Demo context indicators: the real extracts shipped in the context room's `data/`
(provenance in its README.md), imported once."""

from __future__ import annotations

from stspd.context.extracts import DATA_DIR, SHIPPED
from stspd.context.importer import ContextReport, import_context
from stspd.context.models import ContextEdition

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
