"""A meeting's life beyond its date: who sits (member organisations and their representatives),
whether the quorum is reached, the convocation e-mailed with its calendar invitation, the answers,
the reminders, and the minutes circulated then approved at the next meeting.

Convocations and member attendance concern the plenary and the restricted formation: their
members are organisations. A working group's members are people who signed its charter; its
meetings stay within the group (no e-mail carries its content).
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stspd.accounts.models import Organisation, User
from stspd.audit.events import record

from . import calendar
from .enums import (
    ConvocationAnswer,
    DecisionKind,
    DecisionStatus,
    FormationKind,
    MemberPresence,
)
from .models import (
    ConvocationRecipient,
    CouncilMember,
    Decision,
    Meeting,
    MemberAttendance,
    Representative,
)


class MeetingRefused(ValueError):
    """The action is refused; the message says why, in French, for the coordinator."""


def convenes_organisations(meeting: Meeting) -> bool:
    return meeting.formation.kind in (FormationKind.PLENARY, FormationKind.RESTRICTED)


def member_organisations(meeting: Meeting) -> list[Organisation]:
    """The organisations expected at a plenary or restricted meeting: the council's members."""
    if not convenes_organisations(meeting):
        return []
    return [
        member.organisation
        for member in CouncilMember.objects.filter(council=meeting.formation.council_id)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


@dataclass(frozen=True)
class Quorum:
    rule_percent: int | None  # None: the rules of procedure set no quorum
    members: int
    counted: int  # present or represented
    recorded: bool  # attendance by organisation was recorded

    @property
    def required(self) -> int:
        if self.rule_percent is None:
            return 0
        return -(-self.members * self.rule_percent // 100)  # ceiling, in integers

    @property
    def reached(self) -> bool:
        """Known to be reached: no rule, or the recorded attendance meets it."""
        return self.rule_percent is None or (self.recorded and self.counted >= self.required)

    @property
    def missed(self) -> bool:
        """Known to be missed: the recorded attendance falls short of the rule. Until attendance
        is recorded the quorum is unknown, which is said, not refused."""
        return self.rule_percent is not None and self.recorded and self.counted < self.required

    @property
    def text(self) -> str:
        if self.rule_percent is None:
            return "Le règlement intérieur de cette formation ne fixe pas de quorum."
        if not self.recorded:
            return (
                f"Quorum : {self.required} organisations membres sur {self.members} "
                f"({self.rule_percent} %) ; les présences ne sont pas encore saisies."
            )
        state = "atteint" if self.reached else "non atteint"
        counted = (
            f"{self.counted} organisation membre présente ou représentée"
            if self.counted <= 1
            else f"{self.counted} organisations membres présentes ou représentées"
        )
        return (
            f"Quorum {state} : {counted} sur {self.members}, il en faut {self.required} "
            f"({self.rule_percent} %)."
        )


def quorum(meeting: Meeting) -> Quorum:
    members = CouncilMember.objects.filter(council=meeting.formation.council_id)
    member_ids = set(members.values_list("organisation_id", flat=True))
    rows = [a for a in meeting.member_attendances.all() if a.organisation_id in member_ids]
    return Quorum(
        rule_percent=meeting.formation.quorum_percent,
        members=len(member_ids),
        counted=sum(1 for a in rows if a.counts_for_quorum),
        recorded=bool(rows),
    )


def check_quorum(meeting: Meeting) -> None:
    """Decisions need the quorum the formation's rules of procedure set."""
    state = quorum(meeting)
    if state.missed:
        raise MeetingRefused(f"Décision impossible sans le quorum. {state.text}")


def check_can_decide(meeting: Meeting) -> None:
    """Decisions are taken at a meeting that has begun, with its quorum."""
    if meeting.starts_at > timezone.now():
        raise MeetingRefused(
            f"La séance du {timezone.localtime(meeting.starts_at):%d/%m/%Y} n'a pas encore eu "
            "lieu : ses décisions s'enregistrent une fois la séance ouverte."
        )
    check_quorum(meeting)


def record_act(meeting: Meeting, kind: str, text: str, *, by: User) -> Decision:
    """An act of the meeting recorded by the workflow that performs it (the orientation debate,
    an adoption, an opinion on funding applications): a decision without owner or due date."""
    check_quorum(meeting)
    decision = Decision.objects.create(
        meeting=meeting, kind=kind, text=text, status=DecisionStatus.DONE
    )
    record(
        by,
        "created",
        decision,
        council=meeting.formation.council,
        formation=meeting.formation,
        changes={"décision": ["", text]},
    )
    return decision


def record_attendance(
    meeting: Meeting, rows: dict[int, tuple[str, str, str]], *, by: User
) -> dict[str, list[str]]:
    """Store the attendance of member organisations: {organisation id: (status, attendee,
    represented_by)}; an empty status removes the line. Refused for an organisation that is not
    a member of the council."""
    members = {o.pk: o for o in member_organisations(meeting)}
    strangers = sorted(set(rows) - set(members))
    if strangers:
        names = ", ".join(
            Organisation.objects.filter(pk__in=strangers).values_list("name", flat=True)
        ) or ", ".join(str(pk) for pk in strangers)
        raise MeetingRefused(
            f"Présence refusée : {names} n'est pas membre de {meeting.formation.council}."
        )
    labels = dict(MemberPresence.choices)
    current = {a.organisation_id: a for a in meeting.member_attendances.all()}
    changes: dict[str, list[str]] = {}
    with transaction.atomic():
        for organisation_id, (status, attendee, represented_by) in rows.items():
            if status == MemberPresence.REPRESENTED and not represented_by.strip():
                raise MeetingRefused(
                    f"{members[organisation_id]} : indiquez par qui l'organisation est représentée."
                )
            before = current.get(organisation_id)
            before_text = labels.get(before.status, "") if before else ""
            after_text = labels.get(status, "non renseignée")
            if status:
                MemberAttendance.objects.update_or_create(
                    meeting=meeting,
                    organisation_id=organisation_id,
                    defaults={
                        "status": status,
                        "attendee": attendee.strip(),
                        "represented_by": represented_by.strip()
                        if status == MemberPresence.REPRESENTED
                        else "",
                    },
                )
            elif before:
                before.delete()
            if before_text != (after_text if status else ""):
                changes[str(members[organisation_id])] = [before_text, after_text]
        if changes:
            record(
                by,
                "updated",
                meeting,
                council=meeting.formation.council,
                formation=meeting.formation,
                changes=changes,
            )
    return changes


# Convocations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    recipients: list[ConvocationRecipient]
    without_address: list[Representative]


def representatives(meeting: Meeting) -> QuerySet[Representative]:
    return Representative.objects.filter(
        member__council=meeting.formation.council_id
    ).select_related("member__organisation")


def convene(meeting: Meeting, *, by: User, site_url: str) -> Sent:
    """E-mail the convocation (agenda, place, documents, answer link, calendar invitation) to
    every representative of the council's members who has an address."""
    if not convenes_organisations(meeting):
        raise MeetingRefused(
            "Les séances d'un groupe de travail ne sont pas convoquées par courriel : leur "
            "contenu reste confidentiel."
        )
    if meeting.starts_at <= timezone.now():
        raise MeetingRefused(
            f"La séance du {timezone.localtime(meeting.starts_at):%d/%m/%Y à %H:%M} a déjà "
            "commencé : on ne convoque qu'à une séance à venir."
        )
    people = list(representatives(meeting))
    reachable = [p for p in people if p.email]
    if not reachable:
        raise MeetingRefused(
            "Aucun représentant des membres n'a d'adresse électronique : ajoutez-les sur la "
            "page du conseil."
        )
    now = timezone.now()
    sent: list[ConvocationRecipient] = []
    with transaction.atomic():
        for person in reachable:
            recipient, _ = ConvocationRecipient.objects.update_or_create(
                meeting=meeting,
                representative=person,
                defaults={"sent_at": now, "sequence_sent": meeting.sequence},
            )
            sent.append(recipient)
        record(
            by,
            "convened",
            meeting,
            council=meeting.formation.council,
            formation=meeting.formation,
            changes={"convocation": ["", f"envoyée à {len(sent)} représentants"]},
        )
        for recipient in sent:
            transaction.on_commit(partial(send_convocation, recipient, site_url))
    return Sent(sent, [p for p in people if not p.email])


def convocation_text(recipient: ConvocationRecipient, site_url: str, *, reminder: bool) -> str:
    meeting = recipient.meeting
    when = timezone.localtime(meeting.starts_at)
    link = site_url.rstrip("/") + recipient.get_absolute_url()
    documents = list(meeting.documents.all())
    lines = [
        "Bonjour,",
        "",
        # Worded so that it agrees with anyone: no past participle of the person.
        f"Vous représentez {recipient.representative.member.organisation} au sein de "
        f"{meeting.formation.council}. "
        + ("Nous vous rappelons la séance" if reminder else "Nous vous convoquons à la séance")
        + f" « {meeting.formation.name} » :",
        "",
        f"Date : {when:%d/%m/%Y} à {when:%H:%M}",
        f"Lieu : {meeting.place}",
    ]
    if meeting.video_link:
        lines.append(f"Visioconférence : {meeting.video_link}")
    lines += ["", "Ordre du jour :", meeting.agenda or "à venir", ""]
    if documents:
        lines.append("Documents joints (à lire par le lien ci-dessous) :")
        lines += [f"- {d.title}" for d in documents]
        lines.append("")
    lines += [
        "Merci d'indiquer si vous participerez, vous ferez représenter ou vous excusez :",
        link,
        "",
        "L'invitation jointe s'ajoute à votre agenda (Outlook, Thunderbird…).",
    ]
    return "\n".join(lines) + "\n"


def send_convocation(
    recipient: ConvocationRecipient, site_url: str, *, reminder: bool = False
) -> None:
    meeting = recipient.meeting
    person = recipient.representative
    when = timezone.localtime(meeting.starts_at)
    subject = ("Rappel — " if reminder else "") + (
        f"Convocation : {meeting.formation.name} de {meeting.formation.council}, {when:%d/%m/%Y}"
    )
    message = EmailMessage(
        subject, convocation_text(recipient, site_url, reminder=reminder), None, [person.email]
    )
    message.attach(
        "convocation.ics",
        calendar.invitation(meeting, person.name, person.email),
        "text/calendar; method=REQUEST; charset=utf-8",
    )
    message.send()


def answer(recipient: ConvocationRecipient, choice: str, comment: str) -> None:
    """A representative's answer, through the convocation's link (no account needed)."""
    if choice not in ConvocationAnswer.values or not choice:
        raise MeetingRefused("Choisissez une réponse.")
    if choice == ConvocationAnswer.REPRESENTED and not comment.strip():
        raise MeetingRefused("Indiquez qui vous représentera.")
    if recipient.meeting.starts_at <= timezone.now():
        raise MeetingRefused("La séance a eu lieu : la réponse n'est plus modifiable.")
    with transaction.atomic():
        recipient.answer = choice
        recipient.answer_comment = comment.strip()[:200]
        recipient.answered_at = timezone.now()
        recipient.save(update_fields=["answer", "answer_comment", "answered_at"])
        record(
            None,
            "answered",
            recipient.meeting,
            council=recipient.meeting.formation.council,
            formation=recipient.meeting.formation,
            changes={
                f"réponse de {recipient.representative.member.organisation}": [
                    "",
                    recipient.get_answer_display(),
                ]
            },
        )


def due_reminders(now: datetime.datetime, days: int) -> QuerySet[ConvocationRecipient]:
    """Convocations without an answer or a reminder, for meetings within `days` days."""
    return ConvocationRecipient.objects.filter(
        answer="",
        reminded_at__isnull=True,
        meeting__starts_at__gt=now,
        meeting__starts_at__lte=now + datetime.timedelta(days=days),
    ).select_related("meeting__formation__council", "representative__member__organisation")


def send_reminders(now: datetime.datetime, days: int, site_url: str) -> int:
    sent = 0
    for recipient in due_reminders(now, days):
        if not recipient.representative.email:
            continue
        with transaction.atomic():
            recipient.reminded_at = now
            recipient.save(update_fields=["reminded_at"])
            send_convocation(recipient, site_url, reminder=True)
        sent += 1
    return sent


def note_change(meeting: Meeting, changed_fields: set[str]) -> bool:
    """A change of date, place or agenda after a convocation was sent makes a new revision of
    the calendar invitation (same UID, SEQUENCE + 1). True if the convocation must be resent."""
    if not changed_fields & {"starts_at", "ends_at", "place", "video_link", "agenda"}:
        return False
    if not meeting.recipients.exists():
        return False
    meeting.sequence += 1
    meeting.save(update_fields=["sequence"])
    return True


# Minutes -------------------------------------------------------------------------------------


def minutes_approval(meeting: Meeting) -> Decision | None:
    return next(iter(meeting.approvals.all()), None)


def circulate_minutes(meeting: Meeting, *, by: User) -> int:
    """Send the plenary's or restricted formation's minutes to the representatives. A working
    group's minutes are never e-mailed: they discuss individual situations."""
    if not convenes_organisations(meeting):
        raise MeetingRefused(
            "Le compte rendu d'un groupe de travail reste sur la plateforme, réservé à ses "
            "membres signataires de la charte : il n'est pas diffusé par courriel."
        )
    if not meeting.minutes.strip():
        raise MeetingRefused("Le compte rendu est vide : rédigez-le avant de le diffuser.")
    addresses = sorted({p.email for p in representatives(meeting) if p.email})
    if not addresses:
        raise MeetingRefused("Aucun représentant des membres n'a d'adresse électronique.")
    when = timezone.localtime(meeting.starts_at)
    with transaction.atomic():
        meeting.minutes_circulated_at = timezone.now()
        meeting.save(update_fields=["minutes_circulated_at"])
        record(
            by,
            "updated",
            meeting,
            council=meeting.formation.council,
            formation=meeting.formation,
            changes={"compte rendu": ["", f"diffusé à {len(addresses)} représentants"]},
        )
        subject = f"Compte rendu de la séance du {when:%d/%m/%Y} — {meeting.formation.council}"
        body = (
            f"Bonjour,\n\nVoici le projet de compte rendu de la séance du {when:%d/%m/%Y}, "
            f"soumis à l'approbation de la prochaine séance.\n\n{meeting.minutes}\n"
        )
        transaction.on_commit(lambda: EmailMessage(subject, body, None, [], bcc=addresses).send())
    return len(addresses)


def approve_minutes(at: Meeting, approved: Meeting, *, by: User) -> Decision:
    """The meeting `at` approves the minutes of an earlier meeting of the same formation; they
    are frozen from then on."""
    if approved.formation_id != at.formation_id:
        raise MeetingRefused("On approuve le compte rendu d'une séance de la même formation.")
    if approved.starts_at >= at.starts_at:
        raise MeetingRefused("On approuve le compte rendu d'une séance antérieure.")
    if not approved.minutes.strip():
        raise MeetingRefused("Cette séance n'a pas de compte rendu à approuver.")
    if approved.approvals.exists():
        raise MeetingRefused("Ce compte rendu est déjà approuvé.")
    check_can_decide(at)
    when = timezone.localtime(approved.starts_at)
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=at,
            kind=DecisionKind.MINUTES_APPROVAL,
            approved_meeting=approved,
            text=f"Compte rendu de la séance du {when:%d/%m/%Y} approuvé.",
            status=DecisionStatus.DONE,
        )
        record(
            by,
            "created",
            decision,
            council=at.formation.council,
            formation=at.formation,
            changes={"décision": ["", decision.text]},
        )
    return decision


def site_url() -> str:
    return str(settings.SITE_URL)
