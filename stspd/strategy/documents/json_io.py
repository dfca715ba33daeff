"""The strategy as JSON (schema docs/strategy-json.md), and its import into a council.

The export is the snapshot itself. The import checks the whole file first (every bad value is
named by its JSON path, e.g. `$.axes[0].objectives[1].actions[2].budget[0].planned`), then
creates the strategy in one transaction: organisations are matched by name (accents and case
folded) or created, indicators matched to the observatory's by label, to the library by name,
or created in the council's own library; elements keep their keys.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation, User
from stspd.audit.events import record
from stspd.councils.models import Council
from stspd.indicators.enums import Direction, IndicatorKind, Periodicity
from stspd.indicators.library import sync_library
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.models import Diagnostic, DiagnosticSection
from stspd.observatory.models import Indicator as ObservatoryIndicator
from stspd.territories.models import Commune
from stspd.territories.search import search_key

from ..diff import Element, flatten
from ..enums import ActionStatus, Funder, PartnerRole, Status
from ..models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
    ObjectiveIndicator,
    Strategy,
)
from ..numbering import numbered_tree
from ..rules import (
    DUPLICATE_ACTION_INDICATOR,
    DUPLICATE_BUDGET_LINE,
    DUPLICATE_OBJECTIVE_INDICATOR,
    Period,
    Problems,
    Span,
    action_indicator_kind_problem,
    action_problems,
    activity_target_problem,
    budget_line_problems,
    milestone_problems,
    objective_indicator_kind_problem,
    objective_indicator_problems,
    period_problem,
)
from ..snapshot import SCHEMA, snapshot


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class JsonRejected(Exception):
    """The file is not a strategy this instance can import; `errors` lists every bad value."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


_MISSING = object()


class Checker:
    """Walks the data with its JSON path; each getter records an error and returns a default."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.today = timezone.localdate()

    def fail(self, path: str, value: Any, expected: str) -> None:
        shown = (
            "absent" if value is _MISSING else f"« {json.dumps(value, ensure_ascii=False)[:80]} »"
        )
        self.errors.append(f"{path} : {shown} — attendu : {expected}")

    def problems(self, data: Any, path: str, problems: Problems) -> None:
        """A rule's messages (strategy/rules.py), each at the path of its field."""
        for name, message in problems.items():
            if not message:
                continue
            value, here = self.value(data, name, path)
            self.fail(here, value, message)

    def value(self, data: Any, name: str, path: str) -> tuple[Any, str]:
        here = f"{path}.{name}"
        if not isinstance(data, dict):
            return _MISSING, here
        return data.get(name, _MISSING), here

    def text(
        self, data: Any, name: str, path: str, *, required: bool = False, max_length: int = 0
    ) -> str:
        value, here = self.value(data, name, path)
        if value is _MISSING or value is None:
            if required:
                self.fail(here, value, "un texte non vide")
            elif value is _MISSING:
                self.fail(here, value, "un texte (éventuellement vide)")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(here, value, "un texte non vide" if required else "un texte")
            return ""
        if max_length and len(value) > max_length:
            self.fail(here, value, f"un texte de {max_length} caractères au plus")
        return value

    def choice(self, data: Any, name: str, path: str, choices: Any, *, blank: bool = False) -> str:
        value, here = self.value(data, name, path)
        allowed = [c.value for c in choices]
        if blank and value in ("", None):
            return ""
        if value not in allowed:
            self.fail(here, value, "l'une des valeurs " + ", ".join(f'"{a}"' for a in allowed))
            return str(allowed[0])
        return str(value)

    def date(
        self, data: Any, name: str, path: str, *, required: bool = False
    ) -> datetime.date | None:
        value, here = self.value(data, name, path)
        if value is None and not required:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(here, value, "une date AAAA-MM-JJ" + ("" if required else " ou null"))
            return None

    def decimal(
        self,
        data: Any,
        name: str,
        path: str,
        *,
        digits: int,
        places: int,
        required: bool = False,
    ) -> Decimal | None:
        value, here = self.value(data, name, path)
        if value is None and not required:
            return None
        expected = (
            f'un nombre décimal écrit en texte (par exemple "1500.5"), d\'au plus '
            f"{places} décimales"
        )
        if not isinstance(value, str):
            self.fail(here, value, expected)
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(here, value, expected)
            return None
        if (
            not number.is_finite()
            or number != number.quantize(Decimal(1).scaleb(-places))
            or abs(number) >= Decimal(10) ** (digits - places)
        ):
            self.fail(here, value, expected)
            return None
        return number

    def integer(self, data: Any, name: str, path: str, low: int, high: int) -> int:
        value, here = self.value(data, name, path)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(here, value, f"un nombre entier entre {low} et {high}")
            return low
        return value

    def boolean(self, data: Any, name: str, path: str) -> bool:
        value, here = self.value(data, name, path)
        if not isinstance(value, bool):
            self.fail(here, value, "true ou false")
            return False
        return value

    def items(self, data: Any, name: str, path: str) -> list[tuple[str, Any]]:
        value, here = self.value(data, name, path)
        if not isinstance(value, list):
            self.fail(here, value, "une liste")
            return []
        return [(f"{here}[{i}]", item) for i, item in enumerate(value)]

    def key(self, data: Any, path: str, seen: set[str]) -> str:
        key = self.text(data, "key", path, required=True, max_length=36)
        if key and key in seen:
            self.fail(f"{path}.key", key, "une clé qui n'apparaît qu'une fois")
        seen.add(key)
        return key


@dataclass
class Imported:
    strategy: Strategy
    notices: list[str] = field(default_factory=list)
    created_organisations: list[str] = field(default_factory=list)
    created_indicators: list[str] = field(default_factory=list)


def parse(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JsonRejected([f"$ : ce fichier n'est pas du JSON lisible ({exc})."]) from exc


def check(data: Any) -> dict[str, Any]:
    """The cleaned content (Python dates and decimals), or JsonRejected listing every error."""
    c = Checker()
    if not isinstance(data, dict):
        raise JsonRejected(["$ : attendu un objet JSON (la stratégie)."])
    if data.get("schema") != SCHEMA:
        raise JsonRejected(
            [f'$.schema : « {data.get("schema")} » — attendu : "{SCHEMA}" (export de stspd).']
        )
    keys: dict[str, set[str]] = {"axis": set(), "objective": set(), "action": set(), "use": set()}
    clean: dict[str, Any] = {
        "title": c.text(data, "title", "$", required=True, max_length=250),
        "starts_on": c.date(data, "starts_on", "$", required=True),
        "ends_on": c.date(data, "ends_on", "$", required=True),
        "status": c.choice(data, "status", "$", Status),
        "version_number": c.integer(data, "version_number", "$", 1, 10_000),
        "evaluation_method": c.text(data, "evaluation_method", "$"),
        "diagnostic": None,
        "axes": [],
    }
    period: Period | None = None
    if problem := period_problem(clean["starts_on"], clean["ends_on"]):
        c.fail("$.ends_on", data.get("ends_on"), problem)
    elif clean["starts_on"] and clean["ends_on"]:
        period = Span(clean["starts_on"], clean["ends_on"])
    diagnostic = data.get("diagnostic", _MISSING)
    if diagnostic is not None:
        clean["diagnostic"] = {
            "title": c.text(diagnostic, "title", "$.diagnostic", required=True, max_length=200),
            "sections": [
                {
                    "title": c.text(item, "title", path, required=True, max_length=200),
                    "text": c.text(item, "text", path),
                    "indicator": _optional_text(c, item, "indicator", path),
                }
                for path, item in c.items(diagnostic, "sections", "$.diagnostic")
            ],
        }
    for path, axis in c.items(data, "axes", "$"):
        clean["axes"].append(
            {
                "key": c.key(axis, path, keys["axis"]),
                "title": c.text(axis, "title", path, required=True, max_length=250),
                "description": c.text(axis, "description", path),
                "objectives": [
                    _check_objective(c, o, p, keys, period)
                    for p, o in c.items(axis, "objectives", path)
                ],
            }
        )
    codes = {
        code
        for axis in clean["axes"]
        for objective in axis["objectives"]
        for action in objective["actions"]
        for code, _ in action["communes"]
    }
    known = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    for axis in clean["axes"]:
        for objective in axis["objectives"]:
            for action in objective["actions"]:
                for code, path in action["communes"]:
                    if code not in known:
                        c.fail(path, code, "le code INSEE d'une commune du référentiel")
    if c.errors:
        raise JsonRejected(c.errors)
    return clean


def _optional_text(c: Checker, data: Any, name: str, path: str) -> str | None:
    value, here = c.value(data, name, path)
    if value is None:
        return None
    if not isinstance(value, str):
        c.fail(here, value, "un texte ou null")
        return None
    return value


def _check_organisation(c: Checker, data: Any, path: str, *, optional: bool = False) -> Any:
    if optional and data is None:
        return None
    if not isinstance(data, dict):
        c.fail(path, data, "une organisation {name, kind}" + (" ou null" if optional else ""))
        return None
    return {
        "name": c.text(data, "name", path, required=True, max_length=200),
        "kind": c.choice(data, "kind", path, OrganisationKind),
    }


def _check_indicator(c: Checker, data: Any, path: str) -> dict[str, Any]:
    here = f"{path}.indicator"
    indicator = data.get("indicator") if isinstance(data, dict) else None
    return {
        "name": c.text(indicator, "name", here, required=True, max_length=200),
        "kind": c.choice(indicator, "kind", here, IndicatorKind),
        "unit": c.text(indicator, "unit", here, required=True, max_length=60),
        "periodicity": c.choice(indicator, "periodicity", here, Periodicity),
        "direction": c.choice(indicator, "direction", here, Direction, blank=True),
        "description": c.text(indicator, "description", here),
        "observatory_label": _optional_text(c, indicator, "observatory_label", here),
        "shared": c.boolean(indicator, "shared", here),
    }


def _check_objective(
    c: Checker, data: Any, path: str, keys: dict[str, set[str]], period: Period | None
) -> Any:
    objective: dict[str, Any] = {
        "key": c.key(data, path, keys["objective"]),
        "statement": c.text(data, "statement", path, required=True, max_length=300),
        "unquantified_reason": c.text(data, "unquantified_reason", path),
        "indicators": [],
    }
    names = set()
    for p, use in c.items(data, "indicators", path):
        checked: dict[str, Any] = {
            "key": c.key(use, p, keys["use"]),
            "indicator": _check_indicator(c, use, p),
            "baseline_value": c.decimal(use, "baseline_value", p, digits=14, places=3),
            "baseline_on": c.date(use, "baseline_on", p),
            "target_value": c.decimal(use, "target_value", p, digits=14, places=3),
            "deadline": c.date(use, "deadline", p),
            "direction": c.choice(use, "direction", p, Direction),
            "public": c.boolean(use, "public", p),
        }
        quantities = ("baseline_value", "baseline_on", "target_value", "deadline", "direction")
        c.problems(
            use, p, objective_indicator_problems(period, **{q: checked[q] for q in quantities})
        )
        if problem := objective_indicator_kind_problem(checked["indicator"]["kind"]):
            c.fail(f"{p}.indicator.kind", checked["indicator"]["kind"], problem)
        name = checked["indicator"]["name"]
        if name in names:
            c.fail(f"{p}.indicator.name", name, DUPLICATE_OBJECTIVE_INDICATOR)
        names.add(name)
        objective["indicators"].append(checked)
    objective["actions"] = [
        _check_action(c, a, p, keys, period) for p, a in c.items(data, "actions", path)
    ]
    return objective


def _check_action(
    c: Checker, data: Any, path: str, keys: dict[str, set[str]], period: Period | None
) -> Any:
    milestones = c.items(data, "milestones", path)
    budget = c.items(data, "budget", path)
    indicators = c.items(data, "indicators", path)
    action = {
        "key": c.key(data, path, keys["action"]),
        "title": c.text(data, "title", path, required=True, max_length=250),
        "problem": c.text(data, "problem", path),
        "description": c.text(data, "description", path),
        "public": c.text(data, "public", path),
        "communes": [],
        "neighbourhoods": c.text(data, "neighbourhoods", path),
        "lead": _check_organisation(
            c, data.get("lead") if isinstance(data, dict) else None, f"{path}.lead", optional=True
        ),
        "starts_on": c.date(data, "starts_on", path),
        "ends_on": c.date(data, "ends_on", path),
        "status": c.choice(data, "status", path, ActionStatus),
        "partners": [
            {
                "organisation": _check_organisation(
                    c, p.get("organisation") if isinstance(p, dict) else None, f"{pp}.organisation"
                ),
                "role": c.choice(p, "role", pp, PartnerRole),
            }
            for pp, p in c.items(data, "partners", path)
        ],
        "milestones": [
            {
                "title": c.text(m, "title", mp, required=True, max_length=250),
                "due_on": c.date(m, "due_on", mp, required=True),
                "done_on": c.date(m, "done_on", mp),
            }
            for mp, m in milestones
        ],
        "budget": [
            {
                "funder": c.choice(b, "funder", bp, Funder),
                "funder_name": c.text(b, "funder_name", bp, max_length=200),
                "year": c.integer(b, "year", bp, 2000, 2100),
                "planned": c.decimal(b, "planned", bp, digits=12, places=2, required=True),
                "committed": c.decimal(b, "committed", bp, digits=12, places=2, required=True),
                "spent": c.decimal(b, "spent", bp, digits=12, places=2, required=True),
            }
            for bp, b in budget
        ],
        "indicators": [
            {
                "key": c.key(use, up, keys["use"]),
                "indicator": _check_indicator(c, use, up),
                "target_value": c.decimal(use, "target_value", up, digits=14, places=3),
            }
            for up, use in indicators
        ],
    }
    for cp, code in c.items(data, "communes", path):
        if isinstance(code, str):
            action["communes"].append((code, cp))
        else:
            c.fail(cp, code, "un code INSEE (texte)")
    c.problems(
        data,
        path,
        action_problems(period, starts_on=action["starts_on"], ends_on=action["ends_on"]),
    )
    for (mp, m), milestone in zip(milestones, action["milestones"], strict=True):
        c.problems(
            m,
            mp,
            milestone_problems(
                period, due_on=milestone["due_on"], done_on=milestone["done_on"], today=c.today
            ),
        )
    seen = set()
    for (bp, b), line in zip(budget, action["budget"], strict=True):
        c.problems(b, bp, budget_line_problems(period, **line))
        ident = (line["funder"], line["funder_name"], line["year"])
        if ident in seen:
            c.fail(bp, ident[0], DUPLICATE_BUDGET_LINE)
        seen.add(ident)
    names = set()
    for (up, use), checked in zip(indicators, action["indicators"], strict=True):
        if problem := action_indicator_kind_problem(checked["indicator"]["kind"]):
            c.fail(f"{up}.indicator.kind", checked["indicator"]["kind"], problem)
        c.problems(use, up, {"target_value": activity_target_problem(checked["target_value"])})
        if checked["indicator"]["name"] in names:
            c.fail(f"{up}.indicator.name", checked["indicator"]["name"], DUPLICATE_ACTION_INDICATOR)
        names.add(checked["indicator"]["name"])
    return action


class Resolver:
    """Finds or creates the organisations and indicator definitions the file names."""

    def __init__(self, council: Council, result: Imported) -> None:
        self.council = council
        self.result = result
        self.organisations: dict[str, Organisation] = {}
        self.indicators: dict[tuple[str, str | None, bool], IndicatorDefinition] = {}

    def organisation(self, data: dict[str, str] | None) -> Organisation | None:
        if data is None:
            return None
        key = search_key(data["name"])
        if key not in self.organisations:
            found = Organisation.objects.filter(name_key=key).first()
            if found is None:
                found = Organisation.objects.create(name=data["name"].strip(), kind=data["kind"])
                self.result.created_organisations.append(found.name)
            self.organisations[key] = found
        return self.organisations[key]

    def indicator(self, data: dict[str, Any]) -> IndicatorDefinition:
        ident = (data["name"], data["observatory_label"], data["shared"])
        if ident not in self.indicators:
            self.indicators[ident] = self._indicator(data)
        return self.indicators[ident]

    def _indicator(self, data: dict[str, Any]) -> IndicatorDefinition:
        label = data["observatory_label"]
        if label:
            observatory = ObservatoryIndicator.objects.filter(label=label).first()
            if observatory is not None:
                if not IndicatorDefinition.objects.filter(observatory_indicator=observatory):
                    sync_library()
                return IndicatorDefinition.objects.get(observatory_indicator=observatory)
            self.result.notices.append(
                f"L'indicateur de l'observatoire « {label} » n'existe pas ici : "
                f"« {data['name']} » est créé dans la bibliothèque du conseil, sans ses valeurs."
            )
        if data["shared"]:
            shared = IndicatorDefinition.objects.filter(council=None, name=data["name"]).first()
            if shared is not None:
                return shared
        own = IndicatorDefinition.objects.filter(council=self.council, name=data["name"]).first()
        if own is not None:
            return own
        fields = ("kind", "unit", "periodicity", "direction", "description")
        created = IndicatorDefinition.objects.create(
            council=self.council, name=data["name"], **{f: data[f] for f in fields}
        )
        self.result.created_indicators.append(created.name)
        return created


@transaction.atomic
def import_strategy(raw: Any, council: Council, *, by: User | None, source: str = "") -> Imported:
    """Create the strategy of `raw` (parsed JSON) in `council`; all or nothing."""
    clean = check(raw)
    strategy = Strategy.objects.create(
        council=council,
        **{
            f: clean[f]
            for f in (
                "title",
                "starts_on",
                "ends_on",
                "status",
                "version_number",
                "evaluation_method",
            )
        },
    )
    result = Imported(strategy)
    resolve = Resolver(council, result)
    communes = {
        c.code: c
        for c in Commune.objects.filter(
            code__in={
                code
                for axis in clean["axes"]
                for o in axis["objectives"]
                for a in o["actions"]
                for code, _ in a["communes"]
            }
        )
    }
    for axis_node in numbered_tree(clean["axes"]):
        axis_data = axis_node.element
        axis = Axis.objects.create(
            strategy=strategy,
            key=axis_data["key"],
            position=axis_node.position,
            title=axis_data["title"],
            description=axis_data["description"],
        )
        for objective_node in axis_node.children:
            objective_data = objective_node.element
            objective = Objective.objects.create(
                axis=axis,
                key=objective_data["key"],
                position=objective_node.position,
                statement=objective_data["statement"],
                unquantified_reason=objective_data["unquantified_reason"],
            )
            for use in objective_data["indicators"]:
                ObjectiveIndicator.objects.create(
                    objective=objective,
                    definition=resolve.indicator(use["indicator"]),
                    **{k: v for k, v in use.items() if k != "indicator"},
                )
            for action_node in objective_node.children:
                _create_action(
                    objective, action_node.position, action_node.element, resolve, communes
                )
    _diagnostic(council, clean["diagnostic"], result)
    record(
        by,
        "imported",
        strategy,
        council=council,
        changes={"fichier": ["", source]} if source else {},
    )
    return result


def _create_action(
    objective: Objective,
    position: int,
    data: dict[str, Any],
    resolve: Resolver,
    communes: dict[str, Commune],
) -> None:
    simple = ("key", "title", "problem", "description", "public", "neighbourhoods")
    action = Action.objects.create(
        objective=objective,
        position=position,
        lead=resolve.organisation(data["lead"]),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        status=data["status"],
        **{f: data[f] for f in simple},
    )
    action.communes.set([communes[code] for code, _ in data["communes"]])
    for partner in data["partners"]:
        ActionPartner.objects.get_or_create(
            action=action,
            organisation=resolve.organisation(partner["organisation"]),
            role=partner["role"],
        )
    Milestone.objects.bulk_create(Milestone(action=action, **m) for m in data["milestones"])
    BudgetLine.objects.bulk_create(BudgetLine(action=action, **b) for b in data["budget"])
    for use in data["indicators"]:
        ActionIndicator.objects.create(
            action=action,
            key=use["key"],
            definition=resolve.indicator(use["indicator"]),
            target_value=use["target_value"],
        )


def _diagnostic(council: Council, data: dict[str, Any] | None, result: Imported) -> None:
    if data is None:
        return
    if Diagnostic.objects.filter(council=council).exists():
        result.notices.append(
            "Le conseil a déjà un diagnostic : il est conservé tel quel, celui du fichier "
            "n'est pas importé."
        )
        return
    diagnostic = Diagnostic.objects.create(council=council, title=data["title"])
    labels = {s["indicator"] for s in data["sections"] if s["indicator"]}
    indicators = {i.label: i for i in ObservatoryIndicator.objects.filter(label__in=labels)}
    for number, section in enumerate(data["sections"], 1):
        label = section["indicator"]
        if label and label not in indicators:
            result.notices.append(
                f"Section « {section['title']} » : l'indicateur de l'observatoire « {label} » "
                "n'existe pas ici ; la section est importée sans ses chiffres."
            )
        DiagnosticSection.objects.create(
            diagnostic=diagnostic,
            position=10 * number,
            title=section["title"],
            text=section["text"],
            indicator=indicators.get(label) if label else None,
        )


class _DryRun(Exception):
    """Raised inside the preview's transaction to roll it back."""


@dataclass
class Preview:
    """What an import would create, element by element (diff.py's elements), and what it
    would create besides (organisations, library indicators) or leave aside (notices)."""

    elements: list[Element]
    result: Imported


def preview_strategy(raw: Any, council: Council) -> Preview:
    """The import run in a transaction that is rolled back: nothing is stored."""
    found: list[Preview] = []
    try:
        with transaction.atomic():
            result = import_strategy(raw, council, by=None)
            found.append(Preview(flatten(snapshot(result.strategy.pk)), result))
            raise _DryRun
    except _DryRun:
        pass
    return found[0]
