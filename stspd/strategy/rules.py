"""The rules a strategy's elements obey, written once for every way in.

The web forms, the spreadsheet import and the JSON import (and `stspd import-strategy`) ask the
same functions, so that one bad element is refused everywhere with the same French message.
Each `*_problem` returns the message, or "" when the value is fine; each `*_problems` returns
the messages of one element by the name of its model field (the form puts a message under its
field, the spreadsheet names the column, the JSON file the path). The functions read values
only: the callers parse, these judge.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from stspd.indicators.enums import Direction, IndicatorKind

from .enums import Funder

# Messages the database also gives (the models' constraints), so they live here once.
PERIOD_ENDS_AFTER_START = "La période doit finir après son début."
ACTION_ENDS_AFTER_START = "La fin de l'action doit suivre son début."
NEGATIVE_AMOUNT = "Un montant ne peut pas être négatif."
SPENT_ABOVE_COMMITTED = "Le dépensé ne peut pas dépasser l'engagé."
NEGATIVE_ACTIVITY_TARGET = "Une cible d'activité ne peut pas être négative."
BASELINE_WITHOUT_DATE = "Indiquez la date de la valeur de référence."
DATE_WITHOUT_BASELINE = "Indiquez la valeur de référence à cette date."
TARGET_WITHOUT_DEADLINE = "Une cible a besoin d'une échéance."
DEADLINE_WITHOUT_TARGET = "Indiquez la cible à atteindre à cette échéance."
BASELINE_AFTER_DEADLINE = "La valeur de référence doit dater d'avant l'échéance de la cible."
DUPLICATE_PARTNER = "Cette organisation a déjà ce rôle dans l'action."
DUPLICATE_BUDGET_LINE = "Ce financeur a déjà une ligne pour cette année."
DUPLICATE_OBJECTIVE_INDICATOR = "Cet indicateur suit déjà cet objectif."
DUPLICATE_ACTION_INDICATOR = "Cet indicateur suit déjà cette action."
# Context indicators describe the territory, result indicators the change an objective seeks;
# activity indicators count what an action did.
OBJECTIVE_INDICATOR_KINDS = (IndicatorKind.RESULT, IndicatorKind.CONTEXT)
OBJECTIVE_INDICATOR_KIND = "Un indicateur de résultat ou de contexte de la bibliothèque du conseil."
ACTION_INDICATOR_KIND = "Un indicateur d'activité de la bibliothèque du conseil."

Problems = dict[str, str]
"""Messages of one element by model field name (only the fields that have a problem)."""


class Period(Protocol):
    """A strategy, or the period a file declares before its strategy exists."""

    @property
    def starts_on(self) -> datetime.date: ...

    @property
    def ends_on(self) -> datetime.date: ...


@dataclass(frozen=True)
class Span:
    starts_on: datetime.date
    ends_on: datetime.date


def day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def _only(problems: dict[str, str]) -> Problems:
    return {name: message for name, message in problems.items() if message}


# The strategy's period ------------------------------------------------------------------------


def period_problem(starts_on: datetime.date | None, ends_on: datetime.date | None) -> str:
    """The strategy's own period runs forward (`ends_on` is where the message belongs)."""
    if starts_on is not None and ends_on is not None and ends_on <= starts_on:
        return PERIOD_ENDS_AFTER_START
    return ""


def date_in_period_problem(
    period: Period | None, value: datetime.date | None, what: str = "La date"
) -> str:
    """A date of an element falls inside the strategy's period (no period known: no check)."""
    if period is None or value is None or period.starts_on <= value <= period.ends_on:
        return ""
    return (
        f"{what} doit tomber dans la période de la stratégie (du {day(period.starts_on)} au "
        f"{day(period.ends_on)})."
    )


def period_years(period: Period) -> str:
    return (
        f"Une année de la période de la stratégie ({period.starts_on.year} à "
        f"{period.ends_on.year})."
    )


def year_in_period_problem(period: Period | None, year: int | None) -> str:
    if period is None or year is None or period.starts_on.year <= year <= period.ends_on.year:
        return ""
    return period_years(period)


def budget_years_problem(period: Period, years: Iterable[int]) -> str:
    """A period changed under budget lines already written: it must still hold their years."""
    outside = sorted({year for year in years if year_in_period_problem(period, year)})
    if not outside:
        return ""
    listed = ", ".join(str(year) for year in outside)
    return (
        f"Des lignes budgétaires portent sur {listed}, hors de cette période : "
        "modifiez-les d'abord."
    )


# Objectives -----------------------------------------------------------------------------------


def objective_indicator_problems(
    period: Period | None,
    *,
    baseline_value: Decimal | None,
    baseline_on: datetime.date | None,
    target_value: Decimal | None,
    deadline: datetime.date | None,
    direction: str | None,
) -> Problems:
    """A quantified objective: a baseline has its date, a target its deadline inside the
    period, the baseline comes before the deadline, and the target goes the wanted way."""
    problems = {
        "baseline_on": BASELINE_WITHOUT_DATE
        if baseline_value is not None and baseline_on is None
        else "",
        "baseline_value": DATE_WITHOUT_BASELINE
        if baseline_on is not None and baseline_value is None
        else "",
        "deadline": TARGET_WITHOUT_DEADLINE
        if target_value is not None and deadline is None
        else date_in_period_problem(period, deadline, "L'échéance"),
        "target_value": DEADLINE_WITHOUT_TARGET
        if deadline is not None and target_value is None
        else direction_problem(baseline_value, target_value, direction),
    }
    if baseline_on is not None and deadline is not None and baseline_on >= deadline:
        problems["baseline_on"] = problems["baseline_on"] or BASELINE_AFTER_DEADLINE
    return _only(problems)


def direction_problem(
    baseline: Decimal | None, target: Decimal | None, direction: str | None
) -> str:
    if baseline is None or target is None:
        return ""
    if direction == Direction.DECREASE and target > baseline:
        return (
            "La cible est supérieure à la valeur de référence alors que le sens souhaité est "
            "à la baisse."
        )
    if direction == Direction.INCREASE and target < baseline:
        return (
            "La cible est inférieure à la valeur de référence alors que le sens souhaité est "
            "à la hausse."
        )
    return ""


def objective_indicator_kind_problem(kind: str) -> str:
    return "" if kind in OBJECTIVE_INDICATOR_KINDS else OBJECTIVE_INDICATOR_KIND


# Fiches action --------------------------------------------------------------------------------


def action_indicator_kind_problem(kind: str) -> str:
    return "" if kind == IndicatorKind.ACTIVITY else ACTION_INDICATOR_KIND


def action_problems(
    period: Period | None, *, starts_on: datetime.date | None, ends_on: datetime.date | None
) -> Problems:
    """A fiche action runs inside the strategy's period, and forward."""
    problems = {
        "starts_on": date_in_period_problem(period, starts_on),
        "ends_on": date_in_period_problem(period, ends_on),
    }
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        problems["ends_on"] = problems["ends_on"] or ACTION_ENDS_AFTER_START
    return _only(problems)


def milestone_problems(
    period: Period | None,
    *,
    due_on: datetime.date | None,
    done_on: datetime.date | None,
    today: datetime.date,
) -> Problems:
    """A milestone falls due inside the period and is not done in the future."""
    return _only(
        {
            "due_on": date_in_period_problem(period, due_on, "L'échéance du jalon"),
            "done_on": "Un jalon ne peut pas être réalisé à une date future."
            if done_on is not None and done_on > today
            else "",
        }
    )


def amount_problem(value: Decimal | None) -> str:
    return NEGATIVE_AMOUNT if value is not None and value < 0 else ""


def budget_line_problems(
    period: Period | None,
    *,
    funder: str | None,
    funder_name: str | None,
    year: int | None,
    planned: Decimal | None,
    committed: Decimal | None,
    spent: Decimal | None,
) -> Problems:
    """Euros of one funder for one year of the period. Spent never exceeds committed;
    committed above planned is accepted (a funder may top up)."""
    problems = {
        "funder_name": "Précisez le nom de ce financeur."
        if funder == Funder.OTHER and not (funder_name or "").strip()
        else "",
        "year": year_in_period_problem(period, year),
        "planned": amount_problem(planned),
        "committed": amount_problem(committed),
        "spent": amount_problem(spent),
    }
    if committed is not None and spent is not None and spent > committed:
        problems["spent"] = problems["spent"] or SPENT_ABOVE_COMMITTED
    return _only(problems)


def activity_target_problem(value: Decimal | None) -> str:
    return NEGATIVE_ACTIVITY_TARGET if value is not None and value < 0 else ""


# The adoption chain: each step is recorded after it happened, in the order of the method
# (orientation debate, adoption in plenary, deliberation of the municipal or community council,
# signatures). Dates are the recorded ones: a meeting's day, a deliberation's, a signature's.


def held_problem(on: datetime.date, today: datetime.date, what: str) -> str:
    """`what` ("La séance", "La délibération"...) is in the future."""
    if on > today:
        return f"{what} du {day(on)} n'a pas encore eu lieu : enregistrez-la une fois tenue."
    return ""


def debate_date_problem(meeting_on: datetime.date, today: datetime.date) -> str:
    return held_problem(meeting_on, today, "La séance")


def adoption_date_problem(
    meeting_on: datetime.date,
    today: datetime.date,
    debated_on: datetime.date | None,
    previously_adopted_on: datetime.date | None = None,
) -> str:
    """The adoption's meeting took place, at or after the orientation debate (and, for an
    amendment, at or after the previous adoption)."""
    if problem := held_problem(meeting_on, today, "La séance"):
        return problem
    if debated_on is not None and meeting_on < debated_on:
        return (
            f"L'adoption ne peut pas précéder le débat d'orientation du {day(debated_on)} : "
            "choisissez la séance où le conseil a adopté la stratégie."
        )
    if previously_adopted_on is not None and meeting_on < previously_adopted_on:
        return (
            f"La version précédente a été adoptée le {day(previously_adopted_on)} : une nouvelle "
            "adoption ne peut pas la précéder."
        )
    return ""


def deliberation_date_problem(
    held_on: datetime.date, today: datetime.date, adopted_on: datetime.date | None
) -> str:
    """The deliberation took place, at or after the council's adoption."""
    if problem := held_problem(held_on, today, "La délibération"):
        return problem
    if adopted_on is not None and held_on < adopted_on:
        return (
            f"La délibération ne peut pas précéder l'adoption de la stratégie par le conseil, "
            f"le {day(adopted_on)}."
        )
    return ""


def signature_date_problem(
    signed_on: datetime.date, today: datetime.date, deliberated_on: datetime.date | None
) -> str:
    """A signature is given at or after the deliberation (the same day counts: the mayor may
    sign once the council has voted), and not in the future."""
    if signed_on > today:
        return f"La date de signature, le {day(signed_on)}, est dans le futur."
    if deliberated_on is not None and signed_on < deliberated_on:
        return (
            f"Une signature ne peut pas précéder la délibération qui approuve la stratégie, "
            f"le {day(deliberated_on)}."
        )
    return ""
