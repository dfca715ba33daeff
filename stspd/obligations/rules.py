"""The council's legal obligations as dated data (`data/obligations.json`, docs/obligations.md).

Every threshold, member by right and rule has its dates of effect and its source: the check
applies the version in force on the day it is asked about, so that a change of the law is a new
line of data with its date, never an edit of code nor of the older line.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "obligations.json"


@dataclass(frozen=True)
class Dated:
    starts_on: datetime.date
    ends_on: datetime.date | None
    source: str

    def in_force(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class CouncilRequired(Dated):
    population_above: int
    with_qpv: bool


@dataclass(frozen=True)
class MemberByRight(Dated):
    organisation_kind: str
    label: str
    council_kinds: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Rule(Dated):
    code: str
    label: str
    months: int | None
    population_above: int | None


@dataclass(frozen=True)
class Obligations:
    sources: dict[str, str]
    council_required: tuple[CouncilRequired, ...]
    members_by_right: tuple[MemberByRight, ...]
    rules: tuple[Rule, ...]

    def source(self, key: str) -> str:
        return self.sources[key]

    def council_required_on(self, day: datetime.date) -> CouncilRequired:
        for version in self.council_required:
            if version.in_force(day):
                return version
        raise LookupError(f"Aucune règle d'obligation de conseil en vigueur le {day:%d/%m/%Y}.")

    def members_by_right_on(self, day: datetime.date, council_kind: str) -> list[MemberByRight]:
        return [
            member
            for member in self.members_by_right
            if member.in_force(day) and council_kind in member.council_kinds
        ]

    def rules_on(self, day: datetime.date) -> list[Rule]:
        return [rule for rule in self.rules if rule.in_force(day)]

    def rule(self, code: str, day: datetime.date) -> Rule:
        return next(rule for rule in self.rules_on(day) if rule.code == code)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _dated(row: dict[str, Any]) -> dict[str, Any]:
    starts_on = _date(row["from"])
    assert starts_on is not None, "every line of obligations.json has a date of effect"
    return {"starts_on": starts_on, "ends_on": _date(row.get("to")), "source": row["source"]}


def parse(data: dict[str, Any]) -> Obligations:
    obligations = Obligations(
        sources=dict(data["sources"]),
        council_required=tuple(
            CouncilRequired(
                **_dated(row),
                population_above=int(row["population_above"]),
                with_qpv=bool(row["with_qpv"]),
            )
            for row in data["council_required"]
        ),
        members_by_right=tuple(
            MemberByRight(
                **_dated(row),
                organisation_kind=row["organisation_kind"],
                label=row["label"],
                council_kinds=tuple(row["councils"]),
                note=row.get("note", ""),
            )
            for row in data["members_by_right"]
        ),
        rules=tuple(
            Rule(
                **_dated(row),
                code=row["code"],
                label=row["label"],
                months=row.get("months"),
                population_above=row.get("population_above"),
            )
            for row in data["rules"]
        ),
    )
    for line in (*obligations.council_required, *obligations.members_by_right, *obligations.rules):
        if line.source not in obligations.sources:
            raise ValueError(f"Source inconnue dans obligations.json : {line.source}")
    return obligations


@cache
def obligations() -> Obligations:
    return parse(json.loads(DATA_FILE.read_text(encoding="utf-8")))
