"""Expected statuses of the strategy's URLs for the permission matrix (core/tests/test_permissions).

Each room adds its own rows in its own dict; the matrix merges them.
"""

from collections.abc import Callable
from typing import Any

from stspd.indicators.enums import IndicatorKind
from stspd.indicators.models import IndicatorDefinition

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

# Access kinds of the matrix (copied: the matrix imports this module).
ANONYMOUS = {"anonymous": 302}
COUNCIL_READ = ANONYMOUS | {
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
COUNCIL_EDIT = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}


def own_indicator(world: Any) -> dict[str, int]:
    definition, _ = IndicatorDefinition.objects.get_or_create(
        council=world.council,
        name="Nuisances sonores signalées",
        defaults={"kind": IndicatorKind.ACTIVITY, "unit": "signalements"},
    )
    return {"definition_id": definition.pk}


def budget_line(world: Any) -> dict[str, Any]:
    return {"kind": "budget", "item_id": world.action.budget_lines.get().pk}


def strategy(world: Any) -> dict[str, int]:
    return {"strategy_id": world.strategy.pk}


def axis(world: Any) -> dict[str, int]:
    return {"axis_id": world.axis.pk}


def objective(world: Any) -> dict[str, int]:
    return {"objective_id": world.objective.pk}


def action(world: Any) -> dict[str, int]:
    return {"action_id": world.action.pk}


def objective_indicator(world: Any) -> dict[str, int]:
    return {"use_id": world.objective.indicators.get().pk}


def council(world: Any) -> dict[str, int]:
    return {"council_id": world.council.pk}


# The editing room: any role reads a strategy, the coordinator changes it (while editable).
# Moving an element up or down is a POST: a GET by the coordinator is 405.
EDIT: dict[str, Expectation] = {
    "strategy:list": (council, COUNCIL_READ, ""),
    "strategy:create": (council, COUNCIL_EDIT, ""),
    "strategy:detail": (strategy, COUNCIL_READ, ""),
    "strategy:edit": (strategy, COUNCIL_EDIT, ""),
    "strategy:readiness": (strategy, COUNCIL_READ, ""),
    "strategy:axis_add": (strategy, COUNCIL_EDIT, ""),
    "strategy:axis_edit": (axis, COUNCIL_EDIT, ""),
    "strategy:axis_delete": (axis, COUNCIL_EDIT, ""),
    "strategy:move": (
        lambda w: {"kind": "fiche", "element_id": w.action.pk},
        COUNCIL_EDIT | {"coordinator": 405, "site_admin": 405},
        "",
    ),
    "strategy:objective_add": (axis, COUNCIL_EDIT, ""),
    "strategy:objective": (objective, COUNCIL_READ, ""),
    "strategy:objective_edit": (objective, COUNCIL_EDIT, ""),
    "strategy:objective_delete": (objective, COUNCIL_EDIT, ""),
    "strategy:objective_indicator_add": (objective, COUNCIL_EDIT, ""),
    "strategy:objective_indicator_edit": (objective_indicator, COUNCIL_EDIT, ""),
    "strategy:objective_indicator_delete": (objective_indicator, COUNCIL_EDIT, ""),
    "strategy:action_add": (objective, COUNCIL_EDIT, ""),
    "strategy:action": (action, COUNCIL_READ, ""),
    "strategy:action_edit": (action, COUNCIL_EDIT, ""),
    "strategy:action_delete": (action, COUNCIL_EDIT, ""),
    "strategy:item_add": (lambda w: action(w) | {"kind": "jalons"}, COUNCIL_EDIT, ""),
    "strategy:item_edit": (budget_line, COUNCIL_EDIT, ""),
    "strategy:item_delete": (budget_line, COUNCIL_EDIT, ""),
    # The indicator library of a council (its own entries; shared ones are not edited here).
    "indicators:library": (council, COUNCIL_READ, ""),
    "indicators:definition_add": (council, COUNCIL_EDIT, ""),
    "indicators:definition_edit": (own_indicator, COUNCIL_EDIT, ""),
}
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
