"""The national strategies' axes as versioned reference data (`data/national_strategy.json`),
and the coverage of a council's fiches action by them.

Each framework has its period, its status (`published`, or `announced` until a published text
says otherwise: its axes are then labelled "annoncés") and its axes. A fiche is tagged with
(framework, axis) codes (`ActionAxisTag`), so that a new framework is a new entry of the file and
the old tags keep their meaning.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "national_strategy.json"


@dataclass(frozen=True)
class NationalAxis:
    code: str
    label: str


@dataclass(frozen=True)
class Framework:
    code: str
    title: str
    status: str
    starts_on: datetime.date
    ends_on: datetime.date
    source: str
    axes: tuple[NationalAxis, ...]

    @property
    def announced(self) -> bool:
        return self.status == "announced"

    @property
    def status_label(self) -> str:
        return "annoncés" if self.announced else "publiés"

    def axis(self, code: str) -> NationalAxis | None:
        return next((axis for axis in self.axes if axis.code == code), None)


@cache
def frameworks() -> tuple[Framework, ...]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        Framework(
            code=row["code"],
            title=row["title"],
            status=row["status"],
            starts_on=datetime.date.fromisoformat(row["from"]),
            ends_on=datetime.date.fromisoformat(row["to"]),
            source=row["source"],
            axes=tuple(NationalAxis(a["code"], a["label"]) for a in row["axes"]),
        )
        for row in data["frameworks"]
    )


def framework(code: str) -> Framework | None:
    return next((f for f in frameworks() if f.code == code), None)


def framework_on(day: datetime.date) -> Framework:
    """The framework whose period covers the day (the latest otherwise)."""
    covering = [f for f in frameworks() if f.starts_on <= day <= f.ends_on]
    return covering[-1] if covering else frameworks()[-1]
