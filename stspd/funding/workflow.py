"""The writes of the funding cycle: each verb checks its rules, writes in one transaction and
records one event. A refusal raises `FundingRefused` with a French message; nothing is stored."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.convocations import MeetingRefused, record_act
from stspd.councils.enums import DecisionKind, FormationKind
from stspd.councils.models import Decision, Meeting
from stspd.strategy.models import Action

from . import rules
from .enums import CHARGE_ACCOUNTS, INCOME_ACCOUNTS, Account, CoFundingState, OpinionKind
from .models import (
    Application,
    BudgetItem,
    Call,
    CoFunding,
    Funder,
    Grant,
    Opinion,
    Payment,
    Priority,
    Programme,
    Report,
    ReportLine,
)

ZERO = Decimal(0)
SHEET_FIELDS = ("title", "objectives", "public", "territory", "calendar", "indicators")


class FundingRefused(ValueError):
    """The write is refused; the message says why, in French."""


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@dataclass
class BudgetSummary:
    amounts: dict[str, Decimal]
    charges: Decimal
    income: Decimal
    fipd: Decimal
    fipd_share: Decimal | None
    cap_percent: Decimal
    warning: str

    def rows(self, accounts: tuple[str, ...]) -> list[tuple[str, str, Decimal]]:
        labels = dict(Account.choices)
        return [(a, str(labels[a]), self.amounts.get(a, ZERO)) for a in accounts]

    @property
    def charge_rows(self) -> list[tuple[str, str, Decimal]]:
        return self.rows(CHARGE_ACCOUNTS)

    @property
    def income_rows(self) -> list[tuple[str, str, Decimal]]:
        return self.rows(INCOME_ACCOUNTS)


def summarise(call: Call, amounts: Mapping[str, Decimal], fipd: Decimal) -> BudgetSummary:
    charges, income = rules.totals(amounts)
    return BudgetSummary(
        amounts=dict(amounts),
        charges=charges,
        income=income,
        fipd=fipd,
        fipd_share=rules.share(fipd, charges),
        cap_percent=call.cap_percent,
        warning=rules.cap_warning(fipd, charges, call.cap_percent, call.cap_rule),
    )


def budget_of(application: Application) -> BudgetSummary:
    amounts = {item.account: item.amount for item in application.budget.all()}
    return summarise(application.call, amounts, application.fipd_requested)


def prefill(action: Action) -> dict[str, str]:
    """The project sheet from the fiche action: its public content only (never a working
    group's)."""
    objective = action.objective
    communes = ", ".join(c.name for c in action.communes.all())
    places = action.neighbourhoods.strip()
    territory = "\n".join(part for part in (communes, places) if part) or str(
        objective.axis.strategy.council.territory
    )
    calendar = ""
    if action.starts_on or action.ends_on:
        start = f"{action.starts_on:%d/%m/%Y}" if action.starts_on else "?"
        end = f"{action.ends_on:%d/%m/%Y}" if action.ends_on else "?"
        calendar = f"Du {start} au {end}"
    milestones = [f"{m.due_on:%d/%m/%Y} : {m.title}" for m in action.milestones.all()]
    if milestones:
        calendar = "\n".join([calendar, *milestones]).strip()
    indicators = []
    for use in action.indicators.select_related("definition"):
        target = f" (cible : {use.target_value})" if use.target_value is not None else ""
        indicators.append(f"{use.definition.name}{target}")
    objectives = "\n".join(
        part for part in (objective.statement, action.problem, action.description) if part
    )
    return {
        "title": action.title,
        "objectives": objectives,
        "public": action.public,
        "territory": territory,
        "calendar": calendar,
        "indicators": "\n".join(indicators),
    }


def missing_reports(action: Action, call: Call) -> list[Application]:
    """Earlier granted applications of the same fiche (same funder) whose report is missing."""
    return list(
        Application.objects.filter(
            action=action,
            call__funder=call.funder,
            call__year__lt=call.year,
            grants__isnull=False,
            report__isnull=True,
        )
        .select_related("call")
        .distinct()
    )


def missing_report_text(missing: list[Application]) -> str:
    if not missing:
        return ""
    years = ", ".join(str(a.call.year) for a in missing)
    return (
        f"Le compte rendu de la subvention {years} de cette fiche action n'a pas été déposé : "
        "sans lui, pas de renouvellement."
    )


# --------------------------------------------------------------------------------------------
# Applications
# --------------------------------------------------------------------------------------------


def _check_budget(call: Call, amounts: Mapping[str, Decimal], fipd: Decimal) -> None:
    labels = dict(Account.choices)
    for account, amount in amounts.items():
        if problem := rules.negative_problem(f"Compte {labels[account]}", amount):
            raise FundingRefused(problem)
    if problem := rules.negative_problem("Part FIPD demandée", fipd):
        raise FundingRefused(problem)
    if problem := rules.balance_problem(amounts):
        raise FundingRefused(problem)
    if problem := rules.fipd_in_state_subsidies_problem(fipd, amounts.get("74", ZERO)):
        raise FundingRefused(problem)


def _check_choice(call: Call, programme: Programme, priority: Priority | None) -> None:
    if not call.programmes.filter(pk=programme.pk).exists():
        raise FundingRefused(f"Programme : {programme} n'est pas ouvert par cet appel à projets.")
    if priority is not None and not call.priorities.filter(pk=priority.pk).exists():
        raise FundingRefused(f"Priorité : « {priority.label} » n'est pas une priorité de l'appel.")


def _store_budget(application: Application, amounts: Mapping[str, Decimal]) -> None:
    application.budget.all().delete()
    BudgetItem.objects.bulk_create(
        BudgetItem(application=application, account=account, amount=amount)
        for account, amount in sorted(amounts.items())
        if amount
    )


def create_application(
    action: Action,
    call: Call,
    *,
    programme: Programme,
    priority: Priority | None,
    sheet: Mapping[str, str],
    fipd: Decimal,
    amounts: Mapping[str, Decimal],
    by: User,
) -> Application:
    _check_choice(call, programme, priority)
    _check_budget(call, amounts, fipd)
    if Application.objects.filter(call=call, action=action).exists():
        raise FundingRefused("Cette fiche action a déjà une demande pour cet appel.")
    if call.blocks_without_report and (missing := missing_reports(action, call)):
        raise FundingRefused(
            missing_report_text(missing) + " L'appel à projets refuse une telle demande."
        )
    with transaction.atomic():
        application = Application.objects.create(
            call=call,
            action=action,
            programme=programme,
            priority=priority,
            fipd_requested=fipd,
            created_by=by,
            **{name: sheet.get(name, "") for name in SHEET_FIELDS},
        )
        _store_budget(application, amounts)
        record(
            by,
            "created",
            application,
            council=action.objective.axis.strategy.council,
            changes={"part FIPD demandée": ["", rules.euros(fipd)]},
        )
    return application


def update_application(
    application: Application,
    *,
    programme: Programme,
    priority: Priority | None,
    sheet: Mapping[str, str],
    fipd: Decimal,
    amounts: Mapping[str, Decimal],
    by: User,
) -> Application:
    call = application.call
    if application.grants.exists():
        raise FundingRefused(
            "La subvention est accordée : la demande ne se modifie plus (le compte rendu "
            "financier se compare au budget sur lequel la préfecture a décidé)."
        )
    _check_choice(call, programme, priority)
    _check_budget(call, amounts, fipd)
    before = rules.euros(application.fipd_requested)
    with transaction.atomic():
        application.programme = programme
        application.priority = priority
        application.fipd_requested = fipd
        for name in SHEET_FIELDS:
            setattr(application, name, sheet.get(name, ""))
        application.save()
        _store_budget(application, amounts)
        record(
            by,
            "updated",
            application,
            council=application.action.objective.axis.strategy.council,
            changes={"part FIPD demandée": [before, rules.euros(fipd)]},
        )
    return application


def set_co_funding(
    application: Application,
    *,
    funder: Funder,
    requested: Decimal,
    granted: Decimal | None,
    state: str,
    by: User,
) -> CoFunding:
    if problem := rules.co_funding_problem(requested, granted, state):
        raise FundingRefused(f"{funder} : {problem}")
    if state == CoFundingState.REFUSED and granted is not None:
        raise FundingRefused(f"{funder} : un cofinancement refusé n'a pas de montant accordé.")
    with transaction.atomic():
        line, created = CoFunding.objects.update_or_create(
            application=application,
            funder=funder,
            defaults={"requested": requested, "granted": granted, "state": state},
        )
        record(
            by,
            "created" if created else "updated",
            line,
            council=application.action.objective.axis.strategy.council,
            changes={
                "cofinancement": [
                    "",
                    f"{funder} : {rules.euros(requested)} ({line.get_state_display()})",
                ]
            },
        )
    return line


# --------------------------------------------------------------------------------------------
# The council's opinion
# --------------------------------------------------------------------------------------------


def record_opinions(
    meeting: Meeting,
    call: Call,
    opinions: Mapping[Application, tuple[str, str]],
    *,
    by: User,
) -> Decision:
    """The formation's opinion on each application, recorded as one decision of the meeting."""
    if meeting.formation.kind not in (FormationKind.PLENARY, FormationKind.RESTRICTED):
        raise FundingRefused("Séance : l'avis se donne en formation plénière ou restreinte.")
    if not opinions:
        raise FundingRefused("Indiquez l'avis du conseil sur au moins une demande.")
    labels = dict(OpinionKind.choices)
    for application, (kind, reason) in opinions.items():
        if kind not in labels:
            raise FundingRefused(f"{application} : avis attendu favorable, réservé ou défavorable.")
        if kind != OpinionKind.FAVOURABLE and not reason.strip():
            raise FundingRefused(f"{application} : un avis {labels[kind].lower()} est motivé.")
    lines = [
        f"- {application.title} ({application.action.lead or 'sans pilote'}) : "
        f"{labels[kind].lower()}" + (f" — {reason.strip()}" if reason.strip() else "")
        for application, (kind, reason) in opinions.items()
    ]
    text = (
        f"Avis du conseil sur les demandes présentées à l'appel « {call.title} » :\n"
        + "\n".join(lines)
    )
    try:
        with transaction.atomic():
            decision = record_act(meeting, DecisionKind.FUNDING_OPINION, text, by=by)
            for application, (kind, reason) in opinions.items():
                Opinion.objects.update_or_create(
                    application=application,
                    defaults={"decision": decision, "kind": kind, "reason": reason.strip()},
                )
    except MeetingRefused as refusal:
        raise FundingRefused(str(refusal)) from refusal
    return decision


# --------------------------------------------------------------------------------------------
# Grants and payments
# --------------------------------------------------------------------------------------------


def paid(grant: Grant) -> Decimal:
    return grant.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def record_grant(
    application: Application,
    *,
    programme: Programme,
    amount: Decimal,
    decided_on: datetime.date,
    by: User,
) -> Grant:
    if problem := rules.negative_problem("Montant accordé", amount):
        raise FundingRefused(problem)
    existing = Grant.objects.filter(application=application, programme=programme).first()
    already = paid(existing) if existing else ZERO
    if problem := rules.grant_problem(amount, already):
        raise FundingRefused(problem)
    call = application.call
    if not call.programmes.filter(pk=programme.pk).exists():
        raise FundingRefused(f"Programme : {programme} n'est pas ouvert par cet appel à projets.")
    with transaction.atomic():
        grant, created = Grant.objects.update_or_create(
            application=application,
            programme=programme,
            defaults={
                "amount": amount,
                "decided_on": decided_on,
                "report_due_on": call.report_due_on,
            },
        )
        record(
            by,
            "created" if created else "updated",
            grant,
            council=application.action.objective.axis.strategy.council,
            changes={"subvention accordée": ["", rules.euros(amount)]},
        )
    return grant


def record_payment(grant: Grant, *, amount: Decimal, paid_on: datetime.date, by: User) -> Payment:
    with transaction.atomic():
        # The grant's row is locked so that two payments at once cannot both pass the check.
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if problem := rules.payment_problem(amount, paid(locked), locked.amount):
            raise FundingRefused(problem)
        payment = Payment.objects.create(grant=locked, amount=amount, paid_on=paid_on)
        record(
            by,
            "created",
            payment,
            council=grant.application.action.objective.axis.strategy.council,
            label=f"Versement de {rules.euros(amount)} : {grant}",
            changes={"versement": ["", rules.euros(amount)]},
        )
    return payment


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def submit_report(
    application: Application,
    *,
    actual: Mapping[str, Decimal],
    explanations: Mapping[str, str],
    qualitative: str,
    today: datetime.date,
    by: User,
) -> Report:
    """The financial report (forecast from the application's budget, actual by account class,
    gaps over 15 % explained) and the qualitative report."""
    if problem := rules.report_too_early_problem(application.call.year, today):
        raise FundingRefused(problem)
    if not application.grants.exists():
        raise FundingRefused("Aucune subvention n'a été accordée à cette demande : rien à rendre.")
    if hasattr(application, "report"):
        raise FundingRefused("Le compte rendu de cette demande a déjà été déposé.")
    if not qualitative.strip():
        raise FundingRefused("Compte rendu qualitatif : ce texte est obligatoire.")
    labels = dict(Account.choices)
    forecast = {item.account: item.amount for item in application.budget.all()}
    accounts = sorted(set(forecast) | {a for a, v in actual.items() if v})
    lines = []
    for account in accounts:
        amount = actual.get(account, ZERO)
        if problem := rules.negative_problem(f"Réalisé, compte {labels[account]}", amount):
            raise FundingRefused(problem)
        lines.append(
            (account, forecast.get(account, ZERO), amount, explanations.get(account, "").strip())
        )
    if problem := rules.unexplained_gaps_problem((str(labels[a]), f, v, e) for a, f, v, e in lines):
        raise FundingRefused(problem)
    with transaction.atomic():
        report = Report.objects.create(
            application=application, submitted_on=today, qualitative=qualitative, submitted_by=by
        )
        ReportLine.objects.bulk_create(
            ReportLine(report=report, account=a, forecast=f, actual=v, explanation=e)
            for a, f, v, e in lines
        )
        record(
            by,
            "created",
            report,
            council=application.action.objective.axis.strategy.council,
            changes={"compte rendu": ["", f"déposé le {today:%d/%m/%Y}"]},
        )
    return report
