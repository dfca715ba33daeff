"""The funding cycle's rules, each stated once and shared by the forms, the verbs and the demo.

A `*_problem(...)` function returns a French message saying what is wrong, or "" when the rule
holds. Amounts are Decimal, rounded to the cent; shares are in percent to one decimal.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from crimestats import french
from crimestats.french import number

from .enums import CHARGE_ACCOUNTS, INCOME_ACCOUNTS

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)
# Cerfa 15059: a gap of more than 15 % between forecast and actual must be explained.
GAP_TO_EXPLAIN = Decimal(15)

NEGATIVE_AMOUNT = "Les montants sont positifs ou nuls."
CO_FUNDER_GRANTED_ABOVE_REQUEST = "Un cofinanceur ne peut accorder plus que le montant demandé."
CO_FUNDER_GRANTED_WITHOUT_AMOUNT = "Un cofinancement accordé indique le montant accordé."


def euros(amount: Decimal) -> str:
    """12 345,60 € (cents when there are some, French grouping)."""
    return french.euros(amount)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, to one decimal; None when the whole is 0."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def totals(amounts: Mapping[str, Decimal]) -> tuple[Decimal, Decimal]:
    """Charges and income of a budget by account class."""
    charges = sum((amounts.get(a, ZERO) for a in CHARGE_ACCOUNTS), ZERO)
    income = sum((amounts.get(a, ZERO) for a in INCOME_ACCOUNTS), ZERO)
    return charges, income


def negative_problem(label: str, amount: Decimal | None) -> str:
    if amount is not None and amount < 0:
        return f"{label} : montant négatif ({euros(amount)}) ; un montant est positif ou nul."
    return ""


def balance_problem(amounts: Mapping[str, Decimal]) -> str:
    """The Cerfa's provisional budget balances: total charges = total income."""
    charges, income = totals(amounts)
    if charges == 0:
        return "Le budget prévisionnel est vide : indiquez au moins une charge et un produit."
    if charges != income:
        gap = income - charges
        side = (
            "les produits dépassent les charges"
            if gap > 0
            else "les charges dépassent les produits"
        )
        return (
            f"Le budget prévisionnel n'est pas équilibré : charges {euros(charges)}, produits "
            f"{euros(income)}, écart {euros(abs(gap))} ({side}). Le total des charges doit égaler "
            "le total des produits."
        )
    return ""


def fipd_in_state_subsidies_problem(fipd: Decimal, account_74: Decimal) -> str:
    """The FIPD asked for is part of the operating subsidies (account 74)."""
    if fipd > account_74:
        return (
            f"La part FIPD demandée ({euros(fipd)}) dépasse les subventions d'exploitation du "
            f"compte 74 ({euros(account_74)}) : elle y est comprise."
        )
    return ""


def cap_warning(fipd: Decimal, total_charges: Decimal, cap_percent: Decimal, rule: str) -> str:
    """A warning (not a refusal: the préfet decides) when the FIPD share is above the call's cap."""
    rate = share(fipd, total_charges)
    if rate is None or rate <= cap_percent:
        return ""
    quoted = f" Règle de l'appel : « {rule} »" if rule else ""
    return (
        f"La part FIPD demandée représente {number(rate, 1)} % du coût de l'action, au-delà du "
        f"plafond de {number(cap_percent, 0 if cap_percent == cap_percent.to_integral() else 1)} % "
        f"fixé par l'appel à projets.{quoted}"
    )


def co_funding_problem(requested: Decimal, granted: Decimal | None, state: str) -> str:
    from .enums import CoFundingState

    if problem := negative_problem("Montant demandé", requested) or negative_problem(
        "Montant accordé", granted
    ):
        return problem
    if state == CoFundingState.GRANTED and granted is None:
        return CO_FUNDER_GRANTED_WITHOUT_AMOUNT
    if granted is not None and granted > requested:
        return (
            f"Le montant accordé ({euros(granted)}) dépasse le montant demandé "
            f"({euros(requested)}) : {CO_FUNDER_GRANTED_ABOVE_REQUEST.lower()}"
        )
    return ""


def payment_problem(amount: Decimal, already_paid: Decimal, granted: Decimal) -> str:
    if amount <= 0:
        return f"Le montant versé doit être positif (reçu : {euros(amount)})."
    if already_paid + amount > granted:
        return (
            f"Le versement de {euros(amount)} porterait le total versé à "
            f"{euros(already_paid + amount)}, au-delà de la subvention accordée "
            f"({euros(granted)})."
        )
    return ""


def grant_problem(amount: Decimal, already_paid: Decimal) -> str:
    if amount <= 0:
        return f"Le montant accordé doit être positif (reçu : {euros(amount)})."
    if amount < already_paid:
        return (
            f"La subvention ({euros(amount)}) ne peut être inférieure à ce qui a déjà été versé "
            f"({euros(already_paid)})."
        )
    return ""


def report_due_on(year: int, months: int) -> datetime.date:
    """The last day of the `months`-th month after the financial year `year` (the calendar
    year) ends: 2025 and 6 months -> 30 June 2026."""
    month_index = 12 + months  # months counted from January of `year`
    due_year = year + (month_index - 1) // 12
    due_month = (month_index - 1) % 12 + 1
    return datetime.date(due_year, due_month, calendar.monthrange(due_year, due_month)[1])


def report_too_early_problem(year: int, today: datetime.date) -> str:
    if today <= datetime.date(year, 12, 31):
        return (
            f"Le compte rendu financier porte sur l'exercice {year} entier : il se dépose après "
            f"sa clôture, à partir du 1er janvier {year + 1}."
        )
    return ""


def gap_percent(forecast: Decimal, actual: Decimal) -> Decimal | None:
    """The gap between actual and forecast, in percent of the forecast (None if nothing was
    forecast)."""
    if not forecast:
        return None
    return ((actual - forecast) * 100 / forecast).quantize(TENTH, rounding=ROUND_HALF_UP)


def gap_needs_explaining(forecast: Decimal, actual: Decimal) -> bool:
    gap = gap_percent(forecast, actual)
    if gap is None:
        return actual != 0
    return abs(gap) > GAP_TO_EXPLAIN


def unexplained_gaps_problem(lines: Iterable[tuple[str, Decimal, Decimal, str]]) -> str:
    """lines: (account label, forecast, actual, explanation)."""
    missing = [
        label
        for label, forecast, actual, explanation in lines
        if gap_needs_explaining(forecast, actual) and not explanation.strip()
    ]
    if missing:
        return (
            "Écart de plus de 15 % entre prévu et réalisé sans explication : "
            + " ; ".join(missing)
            + ". Expliquez chaque écart."
        )
    return ""
