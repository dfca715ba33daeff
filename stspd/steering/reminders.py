"""Reminders of the values due: one e-mail per person and per day (`stspd send-reminders`).

Each reporter gets the values due in the next `AHEAD_DAYS` days and those overdue (missing or
returned), for every council they report in. An action's values go to the members of its lead
organisation who hold a partner or coordinator role; an objective's own indicators go to the
council's coordinators. What cannot be sent is never dropped: a reporter without an e-mail
address, or an action whose lead has nobody to report, is listed in the coordinators' e-mail
with the values concerned (and in the command's report when a council has no coordinator who
can receive it). A person reminded today (a `reminded` event) is not reminded again that day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from crimestats.french import date
from stspd.accounts.models import Membership, User
from stspd.audit.events import record
from stspd.audit.models import Event
from stspd.councils.enums import Role
from stspd.councils.models import Council, CouncilRole
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator, Strategy

from .access import REPORTER_ROLES
from .reporting import REMINDED_STATUSES, Slot, action_uses, objective_uses, slots_of

AHEAD_DAYS = 7


@dataclass
class Reminder:
    """What one person is told, council by council."""

    user: User
    slots: dict[Council, list[Slot]] = field(default_factory=dict)
    problems: dict[Council, list[str]] = field(default_factory=dict)

    @property
    def councils(self) -> list[Council]:
        return sorted(set(self.slots) | set(self.problems), key=lambda c: c.name)

    @property
    def n_overdue(self) -> int:
        return sum(slot.overdue for slots in self.slots.values() for slot in slots)

    @property
    def n_values(self) -> int:
        return sum(len(slots) for slots in self.slots.values())


@dataclass
class Report:
    sent: list[Reminder] = field(default_factory=list)
    already: list[User] = field(default_factory=list)  # reminded earlier today
    unsent: list[str] = field(default_factory=list)  # problems no coordinator could receive

    def lines(self, *, dry_run: bool) -> list[str]:
        verb = "à envoyer" if dry_run else "envoyé"
        lines = [
            f"{r.user.email} : {r.n_values} valeur(s) dont {r.n_overdue} en retard, "
            f"{sum(len(p) for p in r.problems.values())} signalement(s) — {verb}"
            for r in self.sent
        ]
        lines += [f"{user.email} : déjà relancé aujourd'hui" for user in self.already]
        lines += [f"NON TRANSMIS : {problem}" for problem in self.unsent]
        total = f"{len(self.sent)} courriel(s) {'à envoyer' if dry_run else 'envoyé(s)'}"
        return [*lines, f"{total}, {len(self.already)} personne(s) déjà relancée(s) aujourd'hui."]


def has_address(user: User) -> bool:
    return bool(user.email and user.email.strip() and user.is_active)


def describe(slot: Slot) -> str:
    state = "renvoyée pour correction" if slot.measurement else "manquante"
    due = date(slot.due_on)
    when = f"en retard, attendue depuis le {due}" if slot.overdue else f"attendue le {due}"
    reason = ""
    if slot.measurement and slot.measurement.review_comment:
        reason = f" (motif : {slot.measurement.review_comment})"
    return f"{slot.use.definition.name} — {slot.label} — {slot.where} : {state}, {when}{reason}"


def plan(today: datetime.date) -> tuple[dict[int, Reminder], list[str]]:
    """Who is told what today, and the problems no coordinator can receive."""
    reminders: dict[int, Reminder] = {}
    unsent: list[str] = []

    def reminder(user: User) -> Reminder:
        return reminders.setdefault(user.pk, Reminder(user))

    horizon = today + datetime.timedelta(days=AHEAD_DAYS)
    councils = Council.objects.filter(strategies__status__in=REMINDED_STATUSES).distinct()
    for council in councils.order_by("name"):
        strategies = Strategy.objects.filter(council=council, status__in=REMINDED_STATUSES)
        uses: list[ActionIndicator | ObjectiveIndicator] = [
            *action_uses(strategies),
            *objective_uses(strategies),
        ]
        slots = [s for s in slots_of(uses, today, include_done=False) if s.due_on <= horizon]
        if not slots:
            continue
        roles = list(
            CouncilRole.objects.filter(council=council, role__in=REPORTER_ROLES).select_related(
                "user"
            )
        )
        coordinators = [r.user for r in roles if r.role == Role.COORDINATOR]
        members: dict[int, list[User]] = defaultdict(list)
        users = {r.user_id: r.user for r in roles}
        for user_id, organisation_id in Membership.objects.filter(user__in=list(users)).values_list(
            "user_id", "organisation_id"
        ):
            members[organisation_id].append(users[user_id])
        problems: list[str] = []
        without_reporter: dict[str, list[Slot]] = defaultdict(list)
        without_address: dict[User, list[Slot]] = defaultdict(list)
        for slot in slots:
            if isinstance(slot.use, ActionIndicator):
                recipients = members.get(slot.use.action.lead_id or 0, [])
                if not recipients:
                    lead = slot.use.action.lead
                    without_reporter[f"{slot.where} (pilote : {lead or 'non désigné'})"].append(
                        slot
                    )
                    continue
            else:
                recipients = coordinators
            for user in recipients:
                if has_address(user):
                    reminder(user).slots.setdefault(council, []).append(slot)
                else:
                    without_address[user].append(slot)
        for where, missed in without_reporter.items():
            problems.append(
                f"{where} : personne ne peut renseigner ses valeurs (aucun membre de "
                "l'organisation pilote n'a un rôle de partenaire dans le conseil). Valeurs "
                f"attendues : {'; '.join(describe(s) for s in missed)}."
            )
        for user, missed in without_address.items():
            problems.append(
                f"{user} n'a pas d'adresse électronique valide : sa relance n'a pas pu partir. "
                f"Valeurs attendues : {'; '.join(describe(s) for s in missed)}."
            )
        if problems:
            told = [user for user in coordinators if has_address(user)]
            for user in told:
                reminder(user).problems[council] = problems
            if not told:
                unsent += [f"{council} : {problem}" for problem in problems]
    return reminders, unsent


def reminded_today() -> set[str]:
    """People already reminded this (real) day, whatever day the values are computed for."""
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    end = start + datetime.timedelta(days=1)
    return set(
        Event.objects.filter(
            verb="reminded", object_type="accounts.user", at__gte=start, at__lt=end
        ).values_list("object_id", flat=True)
    )


def message(reminder: Reminder) -> tuple[str, str]:
    n, late = reminder.n_values, reminder.n_overdue
    if n:
        subject = f"stspd — {n} valeur{'s' if n > 1 else ''} d'indicateur à renseigner"
        subject += f" ({late} en retard)" if late else ""
    else:
        subject = "stspd — indicateurs sans relance possible"
    site = settings.SITE_URL.rstrip("/")
    lines = [f"Bonjour {reminder.user.first_name or ''},".replace(" ,", ","), ""]
    for council in reminder.councils:
        lines.append(f"{council} :")
        for slot in sorted(reminder.slots.get(council, []), key=lambda s: s.due_on):
            lines.append(f"- {describe(slot)}")
        if reminder.slots.get(council):
            lines.append(
                "Renseigner : " + site + reverse("steering:my_reporting", args=[council.pk])
            )
        if problems := reminder.problems.get(council):
            lines += ["", "À traiter par la coordination :"]
            lines += [f"- {problem}" for problem in problems]
        lines.append("")
    lines.append(
        "Une valeur est attendue 15 jours après la fin de sa période ; une valeur en retard "
        "reste acceptée. Ce message part au plus une fois par jour."
    )
    return subject, "\n".join(lines)


def send_reminders(today: datetime.date | None = None, *, dry_run: bool = False) -> Report:
    """E-mail every reporter their values due soon or overdue; idempotent per day."""
    today = today or timezone.localdate()
    reminders, unsent = plan(today)
    done = reminded_today()
    report = Report(unsent=unsent)
    for reminder in sorted(reminders.values(), key=lambda r: r.user.email):
        if str(reminder.user.pk) in done:
            report.already.append(reminder.user)
            continue
        report.sent.append(reminder)
        if dry_run:
            continue
        subject, body = message(reminder)
        with transaction.atomic():
            for council in reminder.councils:
                record(
                    None,
                    "reminded",
                    reminder.user,
                    council=council,
                    changes={
                        "valeurs": ["", str(len(reminder.slots.get(council, [])))],
                        "signalements": ["", str(len(reminder.problems.get(council, [])))],
                    },
                )
            send_mail(subject, body, None, [reminder.user.email])
    return report
