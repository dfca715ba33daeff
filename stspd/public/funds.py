"""The public funds of one adopted strategy: planned, committed and spent money by fiche action,
funder and year, and the State's FIPD grants and payments. Aggregated amounts only.

- The budget lines are those of the ADOPTED version (its frozen snapshot, like the rest of the
  portal): a strategy's budget changes only while it is editable, so out of a revision they
  are the lines the funds page of the evaluation reads; during a revision the public keeps the
  adopted amounts until the council adopts the new ones.
- The grants are read from the funding room (`funding.summary.strategy_grants`), nothing
  copied: granted and paid amounts per granted application, with the call's year and the fiche
  it funds. Nothing of an application that was not granted (its request, the council's
  opinion), no report state, no person: a grant to a project is a public act, the rest is the
  council's working file.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from stspd.funding.summary import strategy_grants
from stspd.strategy.enums import Funder

from .portal import Publication, public_document

CENT = Decimal("0.01")
ZERO = Decimal(0)


def amount(value: Decimal | str | int) -> Decimal:
    """An amount to the cent, as the database keeps it."""
    return Decimal(value).quantize(CENT)


@dataclass
class Sums:
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    def add(self, other: Sums) -> None:
        self.planned += other.planned
        self.committed += other.committed
        self.spent += other.spent


@dataclass
class Line(Sums):
    """One budget line of a fiche action (one funder, one year)."""

    key: str = ""  # the fiche's stable key (not published: the number names it)
    number: str = ""
    action: str = ""
    funder: str = ""
    funder_label: str = ""
    funder_name: str = ""
    year: int = 0


@dataclass
class ActionFunds:
    key: str
    number: str
    title: str
    lead: str
    lines: list[Line]
    totals: Sums


@dataclass
class GrantLine:
    """What the préfecture granted one project of a fiche action, and paid on it."""

    year: int
    number: str
    action: str
    project: str
    granted: Decimal
    paid: Decimal


@dataclass
class PublicFunds:
    pub: Publication
    actions: list[ActionFunds]
    by_funder: list[tuple[str, str, Sums]]
    by_year: list[tuple[int, Sums]]
    total: Sums
    grants: list[GrantLine]
    grants_by_year: list[tuple[int, Decimal, Decimal]]
    grants_total: tuple[Decimal, Decimal] = field(default=(ZERO, ZERO))

    @property
    def lines(self) -> list[Line]:
        return [line for action in self.actions for line in action.lines]


def public_funds(pub: Publication, today: datetime.date) -> PublicFunds:
    labels = dict(Funder.choices)
    actions: list[ActionFunds] = []
    by_funder: dict[str, Sums] = defaultdict(Sums)
    by_year: dict[int, Sums] = defaultdict(Sums)
    total = Sums()
    numbers: dict[str, tuple[str, str]] = {}
    for action in public_document(pub)["actions"]:
        numbers[action.get("key", "")] = (action["number"], action["title"])
        lines = []
        totals = Sums()
        for raw in sorted(
            action["budget"], key=lambda b: (b["year"], b["funder"], b["funder_name"])
        ):
            line = Line(
                planned=amount(raw["planned"]),
                committed=amount(raw["committed"]),
                spent=amount(raw["spent"]),
                number=action["number"],
                action=action["title"],
                funder=raw["funder"],
                funder_label=str(labels.get(raw["funder"], raw["funder"])),
                funder_name=raw["funder_name"],
                year=int(raw["year"]),
                key=action.get("key", ""),
            )
            lines.append(line)
            totals.add(line)
            by_funder[line.funder].add(line)
            by_year[line.year].add(line)
        total.add(totals)
        actions.append(
            ActionFunds(
                action.get("key", ""),
                action["number"],
                action["title"],
                action["lead_name"],
                lines,
                totals,
            )
        )

    grants = []
    grants_by_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in strategy_grants(pub.strategy, today):
        # A fiche added by a revision not adopted yet has no number in the adopted version.
        number, title = numbers.get(row.application.action.key, ("", ""))
        grants.append(
            GrantLine(
                year=row.year,
                number=number,
                action=title,
                project=row.application.title,
                granted=amount(row.granted),
                paid=amount(row.paid),
            )
        )
        grants_by_year[row.year][0] += row.granted
        grants_by_year[row.year][1] += row.paid
    return PublicFunds(
        pub=pub,
        actions=actions,
        by_funder=[
            (code, str(labels[code]), by_funder[code]) for code in labels if code in by_funder
        ],
        by_year=sorted(by_year.items()),
        total=total,
        grants=grants,
        grants_by_year=[(year, g, p) for year, (g, p) in sorted(grants_by_year.items())],
        grants_total=(
            sum((g.granted for g in grants), ZERO),
            sum((g.paid for g in grants), ZERO),
        ),
    )
