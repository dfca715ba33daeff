"""The whole content of a strategy as plain JSON-ready data (schema in docs/strategy-json.md).

One shape serves every purpose: the frozen versions, the diff between versions, the documents
(web, PDF, Word) and the JSON export that moves a strategy between instances. Amounts and values
are decimal strings (never floats), dates ISO strings, organisations and indicators by name so
that another instance can match or create them.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from stspd.accounts.models import Organisation
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.models import Diagnostic

from .models import Action, Axis, Objective, ObjectiveIndicator, Strategy

SCHEMA = "stspd-strategy/1"


def decimal_text(value: Decimal | None) -> str | None:
    """12.500 -> "12.5", 100 -> "100": one spelling per number, whatever the database."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def date_text(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def organisation_data(organisation: Organisation | None) -> dict[str, str] | None:
    if organisation is None:
        return None
    return {"name": organisation.name, "kind": organisation.kind}


def indicator_data(definition: IndicatorDefinition) -> dict[str, Any]:
    observatory = definition.observatory_indicator
    return {
        "name": definition.name,
        "kind": definition.kind,
        "unit": definition.unit,
        "periodicity": definition.periodicity,
        "direction": definition.direction,
        "description": definition.description,
        "observatory_label": observatory.label if observatory else None,
        "shared": definition.council_id is None,
    }


def strategy_tree(strategy_id: int) -> Strategy:
    """The strategy with every element fetched in a fixed number of queries."""
    actions = Action.objects.select_related("lead").prefetch_related(
        "communes",
        "partners__organisation",
        "milestones",
        "budget_lines",
        "indicators__definition__observatory_indicator",
    )
    objectives = Objective.objects.prefetch_related(
        Prefetch(
            "indicators",
            ObjectiveIndicator.objects.select_related(
                "definition__observatory_indicator", "commune"
            ),
        ),
        Prefetch("actions", actions),
    )
    axes = Axis.objects.prefetch_related(Prefetch("objectives", objectives))
    return (
        Strategy.objects.select_related("council__commune", "council__epci")
        .prefetch_related(Prefetch("axes", axes))
        .get(pk=strategy_id)
    )


def action_data(action: Action) -> dict[str, Any]:
    return {
        "key": action.key,
        "title": action.title,
        "problem": action.problem,
        "description": action.description,
        "public": action.public,
        "communes": sorted(commune.code for commune in action.communes.all()),
        "neighbourhoods": action.neighbourhoods,
        "lead": organisation_data(action.lead),
        "starts_on": date_text(action.starts_on),
        "ends_on": date_text(action.ends_on),
        "status": action.status,
        "partners": [
            {"organisation": organisation_data(p.organisation), "role": p.role}
            for p in action.partners.all()
        ],
        "milestones": [
            {"title": m.title, "due_on": date_text(m.due_on), "done_on": date_text(m.done_on)}
            for m in action.milestones.all()
        ],
        "budget": [
            {
                "funder": line.funder,
                "funder_name": line.funder_name,
                "year": line.year,
                "planned": decimal_text(line.planned),
                "committed": decimal_text(line.committed),
                "spent": decimal_text(line.spent),
            }
            for line in action.budget_lines.all()
        ],
        "indicators": [
            {
                "key": use.key,
                "indicator": indicator_data(use.definition),
                "target_value": decimal_text(use.target_value),
            }
            for use in action.indicators.all()
        ],
    }


def objective_data(objective: Objective) -> dict[str, Any]:
    return {
        "key": objective.key,
        "statement": objective.statement,
        "unquantified_reason": objective.unquantified_reason,
        "indicators": [
            {
                "key": use.key,
                "indicator": indicator_data(use.definition),
                "baseline_value": decimal_text(use.baseline_value),
                "baseline_on": date_text(use.baseline_on),
                "target_value": decimal_text(use.target_value),
                "deadline": date_text(use.deadline),
                "direction": use.direction,
                "commune": use.commune.code if use.commune else None,
                "public": use.public,
            }
            for use in objective.indicators.all()
        ],
        "actions": [action_data(action) for action in objective.actions.all()],
    }


def diagnostic_data(strategy: Strategy) -> dict[str, Any] | None:
    diagnostic = (
        Diagnostic.objects.filter(council_id=strategy.council_id)
        .prefetch_related("sections__indicator")
        .first()
    )
    if diagnostic is None:
        return None
    return {
        "title": diagnostic.title,
        "sections": [
            {
                "key": str(section.pk),
                "title": section.title,
                "text": section.text,
                "indicator": section.indicator.label if section.indicator else None,
            }
            for section in diagnostic.sections.all()
        ],
    }


def snapshot(strategy_id: int) -> dict[str, Any]:
    """The strategy's working copy as data (see SCHEMA)."""
    strategy = strategy_tree(strategy_id)
    council = strategy.council
    return {
        "schema": SCHEMA,
        "council": {
            "kind": council.kind,
            "name": council.name,
            "territory_code": council.territory_code,
        },
        "title": strategy.title,
        "starts_on": date_text(strategy.starts_on),
        "ends_on": date_text(strategy.ends_on),
        "status": strategy.status,
        "version_number": strategy.version_number,
        "evaluation_method": strategy.evaluation_method,
        "diagnostic": diagnostic_data(strategy),
        "axes": [
            {
                "key": axis.key,
                "title": axis.title,
                "description": axis.description,
                "objectives": [objective_data(o) for o in axis.objectives.all()],
            }
            for axis in strategy.axes.all()
        ],
    }
