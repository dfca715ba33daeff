"""Expected statuses of the evaluation's URLs for the permission matrix
(core/tests/test_permissions.py): any role of the council reads, the coordinator writes."""

from collections.abc import Callable
from typing import Any

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

# Access kinds of the matrix (copied: the matrix imports this module).
COUNCIL_READ = {
    "anonymous": 302,
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
COUNCIL_EDIT = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}


def strategy(world: Any) -> dict[str, Any]:
    return {"strategy_id": world.strategy.pk}


def objective(world: Any) -> dict[str, int]:
    return {"objective_id": world.objective.pk}


def action(world: Any) -> dict[str, int]:
    return {"action_id": world.action.pk}


def appraisal(world: Any) -> dict[str, int]:
    from stspd.evaluation.models import Appraisal

    found, _ = Appraisal.objects.get_or_create(
        objective=world.objective,
        year=world.strategy.starts_on.year,
        defaults={"implementation": "as_planned", "recommendation": "continue", "reasons": "."},
    )
    return {"appraisal_id": found.pk}


def objective_indicator(world: Any) -> dict[str, int]:
    return {"use_id": world.objective.indicators.get().pk}


ALL: dict[str, Expectation] = {
    "evaluation:objective": (objective, COUNCIL_READ, ""),
    "evaluation:objective_appraisal_add": (objective, COUNCIL_EDIT, ""),
    "evaluation:action_appraisal_add": (action, COUNCIL_EDIT, ""),
    "evaluation:appraisal_edit": (appraisal, COUNCIL_EDIT, ""),
    # Validating a lead's draft is a POST by the coordinator: their GET is 405.
    "evaluation:appraisal_validate": (
        appraisal,
        COUNCIL_EDIT | {"coordinator": 405, "site_admin": 405},
        "",
    ),
    "evaluation:intervention_start": (objective_indicator, COUNCIL_EDIT, ""),
    "evaluation:reports": (strategy, COUNCIL_READ, ""),
    # The elected official's page: every role of the council, readers included.
    "evaluation:summary": (strategy, COUNCIL_READ, ""),
    "evaluation:funds": (strategy, COUNCIL_READ, ""),
    "evaluation:funds_xlsx": (lambda w: strategy(w) | {"funder": "fipd"}, COUNCIL_READ, ""),
    "evaluation:funds_csv": (lambda w: strategy(w) | {"funder": "fipd"}, COUNCIL_READ, ""),
    "evaluation:annual_pdf": (lambda w: strategy(w) | {"year": 2026}, COUNCIL_READ, ""),
    # Publishing on the portal is a POST by the coordinator: their GET is 405.
    "evaluation:publish_annual": (
        lambda w: strategy(w) | {"year": 2026},
        COUNCIL_EDIT | {"coordinator": 405, "site_admin": 405},
        "",
    ),
    "evaluation:withdraw_annual": (
        lambda w: strategy(w) | {"year": 2026},
        COUNCIL_EDIT | {"coordinator": 405, "site_admin": 405},
        "",
    ),
    "evaluation:annual_docx": (lambda w: strategy(w) | {"year": 2026}, COUNCIL_READ, ""),
    "evaluation:final_pdf": (strategy, COUNCIL_READ, ""),
    "evaluation:final_docx": (strategy, COUNCIL_READ, ""),
    "evaluation:action_sheet": (action, COUNCIL_READ, ""),
}
