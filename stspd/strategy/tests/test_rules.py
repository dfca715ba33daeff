"""One rule per concept: the form, the spreadsheet import and the JSON import (and its command)
refuse the same bad element with the same French message, and store nothing."""

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from stspd.audit.models import Event
from stspd.strategy.documents.json_io import JsonRejected, import_strategy
from stspd.strategy.documents.spreadsheet import (
    ACTIONS,
    BUDGET,
    INDICATORS,
    MILESTONES,
    PlanRejected,
    import_plan,
)
from stspd.strategy.models import Action, ActionIndicator, BudgetLine, ObjectiveIndicator, Strategy
from stspd.strategy.rules import (
    Span,
    action_problems,
    budget_line_problems,
    objective_indicator_problems,
)
from stspd.strategy.snapshot import snapshot

from .test_documents import enrich
from .test_editing_action import action_data, budget, item_url
from .test_spreadsheet import column, saved, workbook_of

PERIOD = "(du 01/01/2026 au 31/12/2028)"
OUTSIDE = f"La date doit tomber dans la période de la stratégie {PERIOD}."
ACTION = "$.axes[0].objectives[0].actions[0]"
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def test_the_rules_on_their_own() -> None:
    period = Span(datetime.date(2026, 1, 1), datetime.date(2028, 12, 31))
    assert action_problems(period, starts_on=datetime.date(2026, 3, 1), ends_on=None) == {}
    assert action_problems(
        period, starts_on=datetime.date(1990, 1, 1), ends_on=datetime.date(1991, 12, 31)
    ) == {"starts_on": OUTSIDE, "ends_on": OUTSIDE}
    assert action_problems(
        period, starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2026, 1, 1)
    ) == {"ends_on": "La fin de l'action doit suivre son début."}
    assert budget_line_problems(
        period,
        funder="other",
        funder_name=" ",
        year=2029,
        planned=Decimal(-1),
        committed=Decimal(5),
        spent=Decimal(6),
    ) == {
        "funder_name": "Précisez le nom de ce financeur.",
        "year": "Une année de la période de la stratégie (2026 à 2028).",
        "planned": "Un montant ne peut pas être négatif.",
        "spent": "Le dépensé ne peut pas dépasser l'engagé.",
    }
    assert objective_indicator_problems(
        period,
        baseline_value=Decimal(10),
        baseline_on=datetime.date(2029, 1, 1),
        target_value=Decimal(12),
        deadline=datetime.date(2029, 1, 1),
        direction="decrease",
    ) == {
        "baseline_on": "La valeur de référence doit dater d'avant l'échéance de la cible.",
        "deadline": f"L'échéance doit tomber dans la période de la stratégie {PERIOD}.",
        "target_value": "La cible est supérieure à la valeur de référence alors que le sens "
        "souhaité est à la baisse.",
    }


# Each bad element once, as each entry point receives it: (form page, posted fields), (sheet,
# columns and values of the action's first row there), (JSON path under the first action, value).
CASES: dict[str, dict[str, Any]] = {
    "action outside the period (the bug: 1990-1991 in a 2026-2028 strategy)": {
        "form": ("action", {"starts_on": "1990-01-01", "ends_on": "1991-12-31"}),
        "sheet": (ACTIONS, {"Début": "01/01/1990", "Fin": "31/12/1991"}),
        "json": {"starts_on": "1990-01-01", "ends_on": "1991-12-31"},
        "messages": {"starts_on": OUTSIDE, "ends_on": OUTSIDE},
    },
    "action ending before it starts": {
        "form": ("action", {"starts_on": "2027-06-01", "ends_on": "2027-01-31"}),
        "sheet": (ACTIONS, {"Début": "01/06/2027", "Fin": "31/01/2027"}),
        "json": {"starts_on": "2027-06-01", "ends_on": "2027-01-31"},
        "messages": {"ends_on": "La fin de l'action doit suivre son début."},
    },
    "budget line of a year outside the period": {
        "form": ("budget", budget(year="2031")),
        "sheet": (BUDGET, {"Année": 2031}),
        "json": {"budget[0].year": 2031},
        "messages": {"year": "Une année de la période de la stratégie (2026 à 2028)."},
    },
    "negative planned amount": {
        "form": ("budget", budget(planned="-100")),
        "sheet": (BUDGET, {"Prévu (€)": -100}),
        "json": {"budget[0].planned": "-100"},
        "messages": {"planned": "Un montant ne peut pas être négatif."},
    },
    "spent above committed": {
        "form": ("budget", budget(committed="100", spent="200")),
        "sheet": (BUDGET, {"Engagé (€)": 100, "Dépensé (€)": 200}),
        "json": {"budget[0].committed": "100", "budget[0].spent": "200"},
        "messages": {"spent": "Le dépensé ne peut pas dépasser l'engagé."},
    },
    "another funder without its name": {
        "form": ("budget", budget(funder="other", funder_name="")),
        "sheet": (BUDGET, {"Financeur": "Autre financeur", "Précision": ""}),
        "json": {"budget[0].funder": "other", "budget[0].funder_name": ""},
        "messages": {"funder_name": "Précisez le nom de ce financeur."},
    },
    "milestone done in the future and due after the period": {
        "form": (
            "jalons",
            {"title": "Bilan", "due_on": "2029-03-01", "done_on": TOMORROW.isoformat()},
        ),
        "sheet": (
            MILESTONES,
            {"Jalon": "Bilan", "Échéance": "01/03/2029", "Réalisé le": f"{TOMORROW:%d/%m/%Y}"},
        ),
        "json": {
            "milestones[0].title": "Bilan",
            "milestones[0].due_on": "2029-03-01",
            "milestones[0].done_on": TOMORROW.isoformat(),
        },
        "messages": {
            "due_on": f"L'échéance du jalon doit tomber dans la période de la stratégie {PERIOD}.",
            "done_on": "Un jalon ne peut pas être réalisé à une date future.",
        },
    },
    "negative activity target": {
        "form": ("indicateurs", {"target_value": "-3"}),
        "sheet": (INDICATORS, {"Cible": -3}),
        "json": {"indicators[0].target_value": "-3"},
        "messages": {"target_value": "Une cible d'activité ne peut pas être négative."},
    },
}
COLUMNS = {
    "starts_on": "Début",
    "ends_on": "Fin",
    "year": "Année",
    "planned": "Prévu (€)",
    "spent": "Dépensé (€)",
    "funder_name": "Précision",
    "due_on": "Échéance",
    "done_on": "Réalisé le",
    "target_value": "Cible",
}
JSON_PATHS = {
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "year": "budget[0].year",
    "planned": "budget[0].planned",
    "spent": "budget[0].spent",
    "funder_name": "budget[0].funder_name",
    "due_on": "milestones[0].due_on",
    "done_on": "milestones[0].done_on",
    "target_value": "indicators[0].target_value",
}


@pytest.fixture
def rich(world):  # type: ignore[no-untyped-def]
    """The world's strategy with a milestone, two budget lines and two activity indicators on its
    first action (each sheet has a first row for that action)."""
    enrich(world)
    return world


def stored(world) -> tuple[Any, ...]:  # type: ignore[no-untyped-def]
    return (
        snapshot(world.strategy.pk),
        Strategy.objects.count(),
        BudgetLine.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("case", CASES)
def test_the_form_refuses_the_element(rich, login, case) -> None:  # type: ignore[no-untyped-def]
    kind, data = CASES[case]["form"]
    if kind == "action":
        url, data = f"/fiches-action/{rich.action.pk}/modifier/", action_data(rich, **data)
    else:
        url = item_url(rich, kind)
        if kind == "indicateurs":
            data["definition"] = ActionIndicator.objects.filter(action=rich.action)[0].definition_id
            ActionIndicator.objects.filter(action=rich.action).delete()
    before = stored(rich)
    response = login(rich.coordinator).post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {name: errors[name] for name in CASES[case]["messages"]} == {
        name: [message] for name, message in CASES[case]["messages"].items()
    }
    assert stored(rich) == before


@pytest.mark.parametrize("case", CASES)
def test_the_spreadsheet_refuses_the_element_naming_sheet_line_and_column(rich, case) -> None:  # type: ignore[no-untyped-def]
    sheet_name, cells = CASES[case]["sheet"]
    workbook = workbook_of(rich)
    sheet = workbook[sheet_name]
    first = next(
        line for line in range(2, sheet.max_row + 1) if sheet.cell(line, 1).value == rich.action.key
    )
    for header, value in cells.items():
        sheet.cell(first, column(sheet, header)).value = value
    before = stored(rich)
    with pytest.raises(PlanRejected) as refused:
        import_plan(rich.strategy, saved(workbook), by=rich.coordinator)
    assert {(e.sheet, e.line, e.column, e.expected) for e in refused.value.errors} == {
        (sheet_name, first, COLUMNS[name], message)
        for name, message in CASES[case]["messages"].items()
    }
    assert stored(rich) == before


def bad_json(world, case: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    data = snapshot(world.strategy.pk)
    action = data["axes"][0]["objectives"][0]["actions"][0]
    for path, value in CASES[case]["json"].items():
        *parents, name = path.split(".")
        target = action
        for parent in parents:
            items, index = parent.rstrip("]").split("[")
            target = target[items][int(index)]
        target[name] = value
    return data


def json_errors(world, case: str) -> list[str]:  # type: ignore[no-untyped-def]
    shown = {path: json.dumps(value) for path, value in CASES[case]["json"].items()}
    return [
        f"{ACTION}.{JSON_PATHS[name]} : « {shown[JSON_PATHS[name]]} » — attendu : {message}"
        for name, message in CASES[case]["messages"].items()
    ]


@pytest.mark.parametrize("case", CASES)
def test_the_json_import_refuses_the_element_naming_its_path(rich, case) -> None:  # type: ignore[no-untyped-def]
    data = bad_json(rich, case)
    before = stored(rich)
    with pytest.raises(JsonRejected) as refused:
        import_strategy(data, rich.other_council, by=None)
    assert refused.value.errors == json_errors(rich, case)
    assert stored(rich) == before


def test_the_import_command_refuses_the_bug_of_the_action_outside_the_period(rich, tmp_path):  # type: ignore[no-untyped-def]
    case = "action outside the period (the bug: 1990-1991 in a 2026-2028 strategy)"
    path = tmp_path / "strategie.json"
    path.write_text(json.dumps(bad_json(rich, case)), encoding="utf-8")
    before = stored(rich)
    with pytest.raises(CommandError) as refused:
        call_command("import_strategy", str(path), council=rich.other_council.pk)
    for error in json_errors(rich, case):
        assert error in str(refused.value)
    assert stored(rich) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"deadline": "2029-06-30"},
            "deadline",
            f"L'échéance doit tomber dans la période de la stratégie {PERIOD}.",
        ),
        ({"baseline_on": None}, "baseline_on", "Indiquez la date de la valeur de référence."),
        (
            {"target_value": "1.500"},
            "target_value",
            "La cible est supérieure à la valeur de référence alors que le sens souhaité est "
            "à la baisse.",
        ),
    ],
)
def test_objective_indicators_follow_the_same_rules_in_the_json_import(  # type: ignore[no-untyped-def]
    rich, changes, field, message
) -> None:
    data = snapshot(rich.strategy.pk)
    data["axes"][0]["objectives"][0]["indicators"][0].update(changes)
    with pytest.raises(JsonRejected) as refused:
        import_strategy(data, rich.other_council, by=None)
    (error,) = refused.value.errors
    assert error.startswith(f"$.axes[0].objectives[0].indicators[0].{field} : ")
    assert error.endswith(f" — attendu : {message}")
    assert not Strategy.objects.filter(council=rich.other_council).exists()


def test_the_json_import_refuses_a_strategy_period_ending_before_it_starts(rich) -> None:  # type: ignore[no-untyped-def]
    data = snapshot(rich.strategy.pk)
    data["ends_on"] = "2025-12-31"
    with pytest.raises(JsonRejected) as refused:
        import_strategy(data, rich.other_council, by=None)
    assert refused.value.errors[0] == (
        '$.ends_on : « "2025-12-31" » — attendu : La période doit finir après son début.'
    )


@pytest.mark.parametrize(
    ("model", "changes", "constraint"),
    [
        (
            Action,
            {"starts_on": datetime.date(2027, 2, 1), "ends_on": datetime.date(2027, 1, 1)},
            "action_ends_after_start",
        ),
        (BudgetLine, {"planned": Decimal(-1)}, "budget_line_amounts_not_negative"),
        (
            BudgetLine,
            {"committed": Decimal(1), "spent": Decimal(2)},
            "budget_line_spent_within_committed",
        ),
        (ActionIndicator, {"target_value": Decimal(-1)}, "action_indicator_target_not_negative"),
        (
            ObjectiveIndicator,
            {"baseline_on": datetime.date(2029, 1, 1)},
            "objective_indicator_baseline_before_deadline",
        ),
    ],
)
def test_the_database_holds_the_rules_it_can(world, model, changes, constraint) -> None:  # type: ignore[no-untyped-def]
    """A write that skips the forms and the imports still cannot store the element."""
    row = model.objects.get()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**changes)


def test_a_result_indicator_is_refused_as_an_activity_indicator_everywhere(rich, login) -> None:  # type: ignore[no-untyped-def]
    message = "Un indicateur d'activité de la bibliothèque du conseil."
    result = ObjectiveIndicator.objects.get(objective=rich.objective).definition
    before = stored(rich)
    response = login(rich.coordinator).post(
        item_url(rich, "indicateurs"), {"definition": result.pk, "target_value": ""}
    )
    assert response.context["form"].errors["definition"] == [message]
    workbook = workbook_of(rich)
    sheet = workbook[INDICATORS]
    sheet.cell(2, column(sheet, "Indicateur")).value = result.name
    with pytest.raises(PlanRejected) as refused:
        import_plan(rich.strategy, saved(workbook), by=rich.coordinator)
    assert [(e.sheet, e.line, e.column, e.expected) for e in refused.value.errors] == [
        (INDICATORS, 2, "Indicateur", message)
    ]
    data = snapshot(rich.strategy.pk)
    data["axes"][0]["objectives"][0]["actions"][0]["indicators"][0]["indicator"]["kind"] = "result"
    with pytest.raises(JsonRejected) as rejected:
        import_strategy(data, rich.other_council, by=None)
    assert rejected.value.errors == [
        f'{ACTION}.indicators[0].indicator.kind : « "result" » — attendu : {message}'
    ]
    assert stored(rich) == before


def test_an_activity_indicator_is_refused_as_an_objective_indicator_in_the_json_import(
    rich,
) -> None:  # type: ignore[no-untyped-def]
    data = snapshot(rich.strategy.pk)
    data["axes"][0]["objectives"][0]["indicators"][0]["indicator"]["kind"] = "activity"
    with pytest.raises(JsonRejected) as refused:
        import_strategy(data, rich.other_council, by=None)
    assert refused.value.errors == [
        '$.axes[0].objectives[0].indicators[0].indicator.kind : « "activity" » — attendu : '
        "Un indicateur de résultat ou de contexte de la bibliothèque du conseil."
    ]
