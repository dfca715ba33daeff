"""The verbs of adoption: what each step records beside its Transition (meeting, votes,
deliberation, signatures). Each runs in one transaction through workflow.apply_move, which
checks the order of the steps and writes the Transition and its event.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stspd.accounts.models import Organisation, User
from stspd.audit.events import record
from stspd.councils.enums import FormationKind
from stspd.councils.models import CouncilMember, Meeting

from .enums import AdoptionMode, Status, Vote
from .models import Deliberation, MemberVote, Signature, Strategy, Transition
from .rules import (
    adoption_date_problem,
    debate_date_problem,
    deliberation_date_problem,
    signature_date_problem,
)
from .workflow import WorkflowError, adopted_version_number, apply_move, get_move

PDF_MAX_BYTES = 10 * 1024 * 1024
SIGNING_STATUSES = frozenset({Status.DELIBERATED, Status.SIGNED})


def plenary_meetings(strategy: Strategy) -> QuerySet[Meeting]:
    """The meetings where the council debates and adopts: its plenary formation's."""
    return Meeting.objects.filter(
        formation__council_id=strategy.council_id, formation__kind=FormationKind.PLENARY
    ).order_by("-starts_at")


def check_meeting(strategy: Strategy, meeting: Meeting) -> None:
    if not plenary_meetings(strategy).filter(pk=meeting.pk).exists():
        raise WorkflowError("Choisissez une séance de la formation plénière de ce conseil.")


def meeting_day(meeting: Meeting) -> datetime.date:
    return timezone.localdate(meeting.starts_at)


def _last_meeting_day(strategy: Strategy, target: str) -> datetime.date | None:
    """The day of the meeting of the strategy's last step to `target` (debate, adoption)."""
    step = (
        strategy.transitions.filter(target=target, meeting__isnull=False)
        .select_related("meeting")
        .order_by("-at", "-pk")
        .first()
    )
    return meeting_day(step.meeting) if step and step.meeting else None


def adopted_on(strategy: Strategy) -> datetime.date | None:
    """The day of the meeting that adopted the version in force of adoption."""
    step = (
        strategy.transitions.filter(
            target=Status.ADOPTED, version_number=adopted_version_number(strategy)
        )
        .select_related("meeting")
        .order_by("-at", "-pk")
        .first()
    )
    return meeting_day(step.meeting) if step and step.meeting else None


def deliberated_on(strategy: Strategy) -> datetime.date | None:
    """The day the adopted version was approved by deliberation (the last one, if several)."""
    return (
        strategy.deliberations.filter(version_number=adopted_version_number(strategy))
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def debate_problem(strategy: Strategy, meeting: Meeting) -> str:
    return debate_date_problem(meeting_day(meeting), timezone.localdate())


def adoption_problem(strategy: Strategy, meeting: Meeting) -> str:
    return adoption_date_problem(
        meeting_day(meeting),
        timezone.localdate(),
        _last_meeting_day(strategy, Status.ORIENTATION_DEBATED),
        _last_meeting_day(strategy, Status.ADOPTED),
    )


def deliberation_problem(strategy: Strategy, held_on: datetime.date) -> str:
    return deliberation_date_problem(held_on, timezone.localdate(), adopted_on(strategy))


def signature_problem(strategy: Strategy, signed_on: datetime.date) -> str:
    return signature_date_problem(signed_on, timezone.localdate(), deliberated_on(strategy))


def pdf_problem(document: UploadedFile[bytes]) -> str:
    """Why the file is not an acceptable PDF, or "" when it is one."""
    if document.size is not None and document.size > PDF_MAX_BYTES:
        return (
            f"Le fichier pèse {document.size / 1024 / 1024:.1f} Mo : "
            "la délibération doit peser 10 Mo au plus."
        )
    document.seek(0)
    head = document.read(5)
    document.seek(0)
    if head != b"%PDF-":
        return "Le fichier n'est pas un PDF : déposez la délibération au format PDF."
    return ""


def debate(strategy: Strategy, *, meeting: Meeting, comment: str, by: User) -> Transition:
    """The orientation debate held in plenary: the axes are agreed."""
    check_meeting(strategy, meeting)
    if problem := debate_problem(strategy, meeting):
        raise WorkflowError(problem)
    return apply_move(strategy, "debate", by=by, comment=comment, meeting=meeting)


@transaction.atomic
def adopt(
    strategy: Strategy,
    *,
    meeting: Meeting,
    mode: str,
    by: User,
    comment: str = "",
    votes: dict[CouncilMember, str] | None = None,
) -> Transition:
    """The council adopts the working copy, frozen as version N. By vote, each member who took
    part votes for, against or abstains; a majority of the votes cast must be for. Any review
    round still open is closed: the version it reviewed is superseded."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    get_move(strategy, "adopt")
    check_meeting(strategy, meeting)
    if problem := adoption_problem(strategy, meeting):
        raise WorkflowError(problem)
    if mode not in AdoptionMode.values:
        raise WorkflowError("Indiquez si la stratégie a été adoptée par consensus ou par vote.")
    votes = votes or {}
    if mode == AdoptionMode.VOTE:
        if not votes:
            raise WorkflowError("Saisissez le vote d'au moins un membre du conseil.")
        if any(member.council_id != strategy.council_id for member in votes):
            raise WorkflowError("Seuls les membres du conseil votent.")
        if any(vote not in Vote.values for vote in votes.values()):
            raise WorkflowError("Un vote est pour, contre ou abstention.")
        count = Counter(votes.values())
        if count[Vote.FOR] <= count[Vote.AGAINST]:
            raise WorkflowError(
                f"Le vote n'adopte pas la stratégie (pour : {count[Vote.FOR]}, contre : "
                f"{count[Vote.AGAINST]}, abstentions : {count[Vote.ABSTAIN]}) : elle reste "
                "en l'état."
            )
    elif votes:
        raise WorkflowError("Une adoption par consensus n'enregistre pas de votes.")
    transition = apply_move(
        strategy, "adopt", by=by, comment=comment, meeting=meeting, adoption_mode=mode
    )
    MemberVote.objects.bulk_create(
        MemberVote(transition=transition, member=member, vote=vote)
        for member, vote in votes.items()
    )
    for review_round in strategy.review_rounds.filter(closed_at__isnull=True):
        review_round.closed_at = timezone.now()
        review_round.save(update_fields=["closed_at"])
        record(by, "updated", review_round, council=strategy.council, changes={"clos": ["", "oui"]})
    return transition


@transaction.atomic
def deliberate(
    strategy: Strategy,
    *,
    assembly: str,
    held_on: datetime.date,
    number: str,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    by: User,
    document: UploadedFile[bytes] | None = None,
    comment: str = "",
) -> Deliberation:
    """The municipal or community council approves the adopted version by a deliberation."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    get_move(strategy, "deliberate")
    if votes_for <= votes_against:
        raise WorkflowError(
            f"La délibération n'approuve pas la stratégie (pour : {votes_for}, contre : "
            f"{votes_against}) : elle ne peut pas être enregistrée comme une approbation."
        )
    if problem := deliberation_problem(strategy, held_on):
        raise WorkflowError(problem)
    if document is not None and (problem := pdf_problem(document)):
        raise WorkflowError(problem)
    deliberation = Deliberation(
        strategy=strategy,
        version_number=adopted_version_number(strategy),
        assembly=assembly,
        held_on=held_on,
        number=number,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
    )
    if document is not None:
        deliberation.document.save(f"deliberation-{strategy.pk}.pdf", document, save=False)
    deliberation.save()
    record(by, "created", deliberation, council=strategy.council)
    apply_move(strategy, "deliberate", by=by, comment=comment)
    return deliberation


@transaction.atomic
def add_signature(
    strategy: Strategy,
    *,
    organisation: Organisation,
    signatory: str,
    signed_on: datetime.date,
    by: User,
) -> Signature:
    """A partner signs the deliberated version (before the signing is recorded, or a late
    signatory after it)."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if strategy.status not in SIGNING_STATUSES:
        raise WorkflowError(
            f"La stratégie est « {strategy.get_status_display()} » : les signatures "
            "s'enregistrent une fois la délibération votée."
        )
    version_number = adopted_version_number(strategy)
    if strategy.signatures.filter(
        version_number=version_number, organisation=organisation
    ).exists():
        raise WorkflowError(f"{organisation} a déjà signé la version {version_number}.")
    if problem := signature_problem(strategy, signed_on):
        raise WorkflowError(problem)
    signature = Signature.objects.create(
        strategy=strategy,
        version_number=version_number,
        organisation=organisation,
        signatory=signatory,
        signed_on=signed_on,
    )
    record(by, "created", signature, council=strategy.council)
    return signature


def move(strategy: Strategy, name: str, *, by: User, comment: str = "") -> Transition:
    """The steps that record nothing but themselves: sign (after the signatures are added),
    enforce, revise, close."""
    if name not in ("sign", "enforce", "revise", "close"):
        raise WorkflowError("Cette étape s'enregistre avec son propre formulaire.")
    return apply_move(strategy, name, by=by, comment=comment)
