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
# The review and adoption room. A round of the world's strategy has the partner as its only
# reviewer: the partner may remark (200), the other partners may not (403).
REVIEWER = COUNCIL_EDIT | {"partner": 200}


def review_round(world: Any) -> Any:
    """The strategy's open round, opened on first use (one world may ask several times)."""
    import datetime

    from django.utils import timezone

    from stspd.strategy.review import open_round, open_round_of

    if (current := open_round_of(world.strategy)) is not None:
        return current
    return open_round(
        world.strategy,
        reviewers=[world.partner],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        message="",
        by=world.coordinator,
    )


def round_id(world: Any) -> dict[str, int]:
    return {"round_id": review_round(world).pk}


def remark_id(world: Any) -> dict[str, int]:
    from stspd.strategy.review import add_remark

    remark = add_remark(
        review_round(world),
        element_kind="strategy",
        element_key="strategy",
        kind="comment",
        text="Bien.",
        by=world.partner,
    )
    return {"remark_id": remark.pk}


def deliberation_id(world: Any) -> dict[str, int]:
    """A deliberation recorded without its PDF: those who may read it get 404 (no document);
    the download itself is tested in test_adoption_views with a temporary media folder."""
    from stspd.strategy.models import Deliberation

    deliberation = Deliberation.objects.create(
        strategy=world.strategy,
        version_number=1,
        assembly="Conseil de la Métropole",
        held_on=world.strategy.starts_on,
        number="C-1",
        votes_for=10,
        votes_against=0,
        abstentions=0,
    )
    return {"deliberation_id": deliberation.pk}


NO_DOCUMENT = {who: 404 if status == 200 else status for who, status in COUNCIL_READ.items()}

REVIEW: dict[str, Expectation] = {
    "strategy:reviews": (strategy, COUNCIL_READ, ""),
    "strategy:review_open": (strategy, COUNCIL_EDIT, ""),
    "strategy:review": (round_id, COUNCIL_READ, ""),
    "strategy:remark_add": (round_id, REVIEWER, "?element=strategy"),
    "strategy:review_close": (round_id, COUNCIL_EDIT, ""),
    "strategy:remark_decide": (remark_id, COUNCIL_EDIT, ""),
    "strategy:compare": (strategy, COUNCIL_READ, ""),
    "strategy:adoption": (strategy, COUNCIL_READ, ""),
    # A step the state does not allow yet still shows its page, with the reason and no form.
    "strategy:adoption_move": (lambda w: strategy(w) | {"move": "sign"}, COUNCIL_EDIT, ""),
    "strategy:signature_add": (strategy, COUNCIL_EDIT, ""),
    "strategy:deliberation_document": (deliberation_id, NO_DOCUMENT, ""),
}

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


def _plan_import(world: Any) -> dict[str, Any]:
    """An applied import of the unchanged plan (undoable: the draft has not changed since)."""
    from stspd.strategy.documents.spreadsheet import export_plan
    from stspd.strategy.models import PlanImport
    from stspd.strategy.plan_imports import tree_basis
    from stspd.strategy.snapshot import snapshot

    data = snapshot(world.strategy.pk)
    plan_import = PlanImport.objects.create(
        strategy=world.strategy,
        filename="plan.xlsx",
        content=export_plan(data),
        before={"axes": data["axes"], "ids": {"actions": {}, "uses": {}}},
        after_basis=tree_basis(data),
        applied_at=world.strategy.created_at,
    )
    return {"strategy_id": world.strategy.pk, "import_id": plan_import.pk}


# Every role reads the strategy's documents; only the coordinator imports the action plan.
DOCUMENTS: dict[str, Expectation] = {
    "strategy:document": (_strategy, _COUNCIL_READ, ""),
    "strategy:document_pdf": (_strategy, _COUNCIL_READ, ""),
    "strategy:document_docx": (_strategy, _COUNCIL_READ, ""),
    "strategy:document_json": (_strategy, _COUNCIL_READ, ""),
    "strategy:plan_xlsx": (_strategy, _COUNCIL_READ, ""),
    "strategy:plan_import": (_strategy, _COUNCIL_EDIT, ""),
    "strategy:plan_import_detail": (_plan_import, _COUNCIL_EDIT, ""),
    "strategy:plan_import_undo": (_plan_import, _COUNCIL_EDIT, ""),
}

# The tableau de bord (stspd/steering/urls.py): every role reads it and its PDF; the
# coordinator sets the status method and prepares a meeting's agenda from it.
DASHBOARD: dict[str, Expectation] = {
    "steering:dashboard": (_strategy, _COUNCIL_READ, ""),
    "steering:dashboard_pdf": (_strategy, _COUNCIL_READ, ""),
    "steering:dashboard_settings": (_strategy, _COUNCIL_EDIT, ""),
    "steering:dashboard_agenda": (_strategy, _COUNCIL_EDIT, ""),
    # A new mandate's draft copied from the strategy (a draft in the world: the page says why
    # it cannot be copied, to the coordinator only).
    "steering:new_mandate": (_strategy, _COUNCIL_EDIT, ""),
}

ALL = EDIT | REVIEW | DOCUMENTS | DASHBOARD
