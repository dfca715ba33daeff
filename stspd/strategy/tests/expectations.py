"""Expected statuses of the strategy's URLs for the permission matrix (core/tests/test_permissions).

Each room adds its own rows in its own dict; the matrix merges them.
"""

from collections.abc import Callable
from typing import Any

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

EDIT: dict[str, Expectation] = {}
REVIEW: dict[str, Expectation] = {}

# Access kinds copied from the matrix (core/tests/test_permissions.py).
_LOGIN = 302
_COUNCIL_READ = {
    "anonymous": _LOGIN,
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
_COUNCIL_EDIT = _COUNCIL_READ | {
    "reader": 403,
    "partner": 403,
    "wg_unsigned": 403,
    "wg_signed": 403,
}


def _strategy(world: Any) -> dict[str, Any]:
    return {"strategy_id": world.strategy.pk}


# Every role reads the strategy's documents; only the coordinator imports the action plan.
DOCUMENTS: dict[str, Expectation] = {
    "strategy:document": (_strategy, _COUNCIL_READ, ""),
    "strategy:document_pdf": (_strategy, _COUNCIL_READ, ""),
    "strategy:document_docx": (_strategy, _COUNCIL_READ, ""),
    "strategy:document_json": (_strategy, _COUNCIL_READ, ""),
    "strategy:plan_xlsx": (_strategy, _COUNCIL_READ, ""),
    "strategy:plan_import": (_strategy, _COUNCIL_EDIT, ""),
}

ALL = EDIT | REVIEW | DOCUMENTS
