"""Review rounds (allers-retours): a frozen version sent to chosen partners, their remarks, and
the coordinator's decisions on them.

A remark is attached to an element by its stable key, so it follows the element through later
edits and versions. An accepted amendment changes the working copy in the same transaction as
the decision, with an event for each.
"""

import datetime
import functools
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.core.ids import is_ascii_digits
from stspd.councils.access import can_edit_council, role_in
from stspd.councils.enums import Role
from stspd.observatory.models import DiagnosticSection

from .diff import Element, flatten
from .enums import EDITABLE_STATUSES, ElementKind, RemarkKind, RemarkStatus
from .models import Action, Axis, Objective, ObjectiveIndicator, Remark, ReviewRound, Strategy
from .readiness import Gap, readiness_gaps, review_gaps
from .workflow import WorkflowError, apply_move, last_version

# The text fields a reviewer may propose a new wording for, by element kind (see diff.flatten).
AMENDABLE: dict[str, dict[str, str]] = {
    "strategy": {"title": "Titre", "evaluation_method": "Méthode d'évaluation"},
    "section": {"title": "Titre", "text": "Texte"},
    "axis": {"title": "Intitulé", "description": "Enjeux"},
    "objective": {
        "statement": "Objectif",
        "unquantified_reason": "Justification d'un objectif non chiffré",
    },
    "indicator": {"target_value": "Cible"},
    "action": {
        "title": "Intitulé",
        "problem": "Problème traité",
        "description": "Description",
        "public": "Public visé",
        "neighbourhoods": "Quartiers prioritaires et lieux",
    },
}


class NotReady(WorkflowError):
    """The draft misses something a version sent to partners must have."""

    def __init__(self, gaps: list[Gap]) -> None:
        super().__init__(
            "La stratégie n'est pas prête à être envoyée aux partenaires : "
            + " ; ".join(gap.message for gap in gaps)
        )
        self.gaps = gaps


def remark_kind(element: Element) -> str:
    """The element kind a remark records. A result indicator has no kind of its own: its remark
    is an objective's, keyed by the indicator's key (its only amendable field is the target)."""
    return ElementKind.OBJECTIVE if element.kind == "indicator" else element.kind


def reviewer_candidates(strategy: Strategy) -> QuerySet[User]:
    """People of the council who may be asked to review: partners and coordinators."""
    return User.objects.filter(
        council_roles__council_id=strategy.council_id,
        council_roles__role__in=[Role.PARTNER, Role.COORDINATOR],
    ).distinct()


def unreachable(review_round: ReviewRound) -> list[User]:
    """Reviewers the invitation could not be e-mailed to (no address)."""
    return [user for user in review_round.reviewers.all() if not user.email]


def open_round_of(strategy: Strategy) -> ReviewRound | None:
    return strategy.review_rounds.filter(closed_at__isnull=True).first()


@transaction.atomic
def open_round(
    strategy: Strategy,
    *,
    reviewers: list[User],
    deadline: datetime.date,
    message: str,
    by: User,
) -> ReviewRound:
    """Freeze the working copy as version N, send it to the reviewers and move the strategy to
    "in review". Refused when the draft is not ready (results not yet quantified do not stop
    it: adoption requires them), a round is still open, or a reviewer is neither a partner nor
    a coordinator of the council."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    gaps = review_gaps(readiness_gaps(strategy))
    if gaps:
        raise NotReady(gaps)
    if open_round_of(strategy) is not None:
        raise WorkflowError(
            "Un aller-retour est déjà en cours : clôturez-le avant d'en ouvrir un autre."
        )
    if not reviewers:
        raise WorkflowError("Choisissez au moins un relecteur.")
    allowed = set(reviewer_candidates(strategy).values_list("pk", flat=True))
    if outsiders := [str(user) for user in reviewers if user.pk not in allowed]:
        raise WorkflowError(
            "Seuls les partenaires et coordinateurs du conseil peuvent relire la stratégie : "
            + ", ".join(outsiders)
            + "."
        )
    apply_move(strategy, "review", by=by, comment=message)
    version = last_version(strategy)
    assert version is not None
    review_round = ReviewRound.objects.create(
        strategy=strategy, version=version, deadline=deadline, message=message, opened_by=by
    )
    review_round.reviewers.set(reviewers)
    record(
        by,
        "created",
        review_round,
        council=strategy.council,
        changes={
            "relecteurs": ["", ", ".join(str(user) for user in reviewers)],
            "date limite": ["", f"{deadline:%d/%m/%Y}"],
        },
    )
    for user in reviewers:
        if user.email:
            transaction.on_commit(functools.partial(send_invitation, review_round, user))
    return review_round


def send_invitation(review_round: ReviewRound, user: User) -> None:
    strategy = review_round.strategy
    link = settings.SITE_URL.rstrip("/") + review_round.get_absolute_url()
    message = f"\n{review_round.message}\n" if review_round.message else ""
    send_mail(
        f"Relecture : {strategy} (version {review_round.version.number})",
        f"Bonjour,\n\n{review_round.opened_by or 'La coordination'} vous invite à relire la "
        f"version {review_round.version.number} de « {strategy} » ({strategy.council}) et à "
        f"faire vos remarques avant le {review_round.deadline:%d/%m/%Y} inclus.\n{message}\n"
        f"{link}\n",
        None,
        [user.email],
    )


def round_elements(review_round: ReviewRound) -> list[Element]:
    return flatten(review_round.version.snapshot)


def can_remark(user: User, review_round: ReviewRound) -> bool:
    """The round's reviewers and the council's coordinators (who may write down a remark
    received by telephone or letter) remark; nobody else."""
    role = role_in(user, review_round.strategy.council)
    if can_edit_council(role):
        return True
    return role is not None and review_round.reviewers.filter(pk=user.pk).exists()


def remark_refusal(review_round: ReviewRound) -> str:
    """Why remarks are no longer taken, or "" while they are."""
    if review_round.closed_at is not None:
        closed = timezone.localtime(review_round.closed_at)
        return (
            f"Cet aller-retour a été clôturé le {closed:%d/%m/%Y} : il ne reçoit plus de remarques."
        )
    if timezone.localdate() > review_round.deadline:
        return (
            f"La date limite des retours ({review_round.deadline:%d/%m/%Y}) est passée : "
            "il n'est plus possible de faire de remarque sur cette version."
        )
    return ""


def clean_value(field: str, value: str) -> str:
    """A proposed target is a number ("1,5" or "1.5"); texts are stripped."""
    value = value.strip()
    if field != "target_value":
        return value
    try:
        number = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise WorkflowError("La cible proposée doit être un nombre, par exemple 1,5.") from None
    if not number.is_finite():
        raise WorkflowError("La cible proposée doit être un nombre, par exemple 1,5.")
    return format(number.normalize(), "f")


@transaction.atomic
def add_remark(
    review_round: ReviewRound,
    *,
    element_kind: str,
    element_key: str,
    kind: str,
    text: str,
    by: User,
    field: str = "",
    proposed_value: str = "",
) -> Remark:
    """A reviewer's comment or amendment on an element of the round's version."""
    review_round = (
        ReviewRound.objects.select_for_update()
        .select_related("version", "strategy__council")
        .get(pk=review_round.pk)
    )
    if not can_remark(by, review_round):
        raise PermissionDenied("Seuls les relecteurs de cet aller-retour y font des remarques.")
    if refusal := remark_refusal(review_round):
        raise WorkflowError(refusal)
    element = next((e for e in round_elements(review_round) if e.key == element_key), None)
    if element is None or remark_kind(element) != element_kind:
        raise WorkflowError("Cet élément n'existe pas dans la version relue.")
    if kind not in RemarkKind.values:
        raise WorkflowError("Choisissez un commentaire ou une proposition d'amendement.")
    if kind == RemarkKind.AMENDMENT:
        if field not in AMENDABLE[element.kind]:
            raise WorkflowError("Choisissez le champ que l'amendement modifie.")
        proposed_value = clean_value(field, proposed_value)
        if not proposed_value:
            raise WorkflowError("Écrivez la nouvelle rédaction ou valeur proposée.")
    else:
        field, proposed_value = "", ""
    if not text.strip():
        raise WorkflowError("Écrivez votre commentaire ou la raison de l'amendement.")
    label = element.label
    if element.kind == "indicator":
        parent = next(e for e in round_elements(review_round) if e.key == element.parent)
        label = f"Indicateur « {element.title} » de l'objectif {parent.number}"
    organisation = by.memberships.select_related("organisation").first()
    remark = Remark.objects.create(
        review_round=review_round,
        element_kind=element_kind,
        element_key=element_key,
        element_label=label[:300],
        author=by,
        organisation=organisation.organisation if organisation else None,
        kind=kind,
        text=text.strip(),
        field=field,
        proposed_value=proposed_value,
    )
    record(
        by,
        "remark",
        remark,
        council=review_round.strategy.council,
        changes={"remarque": ["", remark.text]}
        | ({AMENDABLE[element.kind][field]: ["", proposed_value]} if field else {}),
    )
    return remark


def field_label(remark: Remark) -> str:
    for fields in AMENDABLE.values():
        if remark.field in fields:
            return fields[remark.field]
    return remark.field


def amended_object(strategy: Strategy, remark: Remark) -> models.Model | None:
    """The element of the working copy the amendment changes, if it still exists."""
    key = remark.element_key
    kind = remark.element_kind
    found: models.Model | None
    if kind == ElementKind.STRATEGY:
        found = strategy
    elif kind == ElementKind.SECTION:
        found = (
            DiagnosticSection.objects.filter(
                diagnostic__council_id=strategy.council_id, pk=key
            ).first()
            if is_ascii_digits(key)
            else None
        )
    elif kind == ElementKind.AXIS:
        found = Axis.objects.filter(strategy=strategy, key=key).first()
    elif kind == ElementKind.OBJECTIVE and remark.field == "target_value":
        found = ObjectiveIndicator.objects.filter(
            objective__axis__strategy=strategy, key=key
        ).first()
    elif kind == ElementKind.OBJECTIVE:
        found = Objective.objects.filter(axis__strategy=strategy, key=key).first()
    else:
        found = Action.objects.filter(objective__axis__strategy=strategy, key=key).first()
    return found


def apply_amendment(strategy: Strategy, remark: Remark, *, by: User) -> None:
    if strategy.status not in EDITABLE_STATUSES:
        raise WorkflowError(
            f"La stratégie est « {strategy.get_status_display()} » : son contenu ne se modifie "
            "plus. Ouvrez une révision pour accepter cet amendement, ou rejetez-le."
        )
    target = amended_object(strategy, remark)
    if target is None:
        raise WorkflowError(
            f"« {remark.element_label} » n'existe plus dans la version de travail : "
            "l'amendement ne peut pas y être appliqué. Rejetez-le en expliquant pourquoi."
        )
    model_field = target._meta.get_field(remark.field)
    assert isinstance(model_field, models.Field)
    before = getattr(target, remark.field)
    try:
        value = model_field.clean(remark.proposed_value, target)
    except ValidationError as error:
        raise WorkflowError(
            f"L'amendement ne peut pas être appliqué : {' '.join(error.messages)}"
        ) from None
    setattr(target, remark.field, value)
    if isinstance(target, Action):
        # The optimistic lock: an editing form opened before the amendment will see it.
        target.revision += 1
    target.save()
    record(
        by,
        "updated",
        target,
        council=strategy.council,
        changes={field_label(remark): ["" if before is None else str(before), str(value)]},
    )


@transaction.atomic
def decide_remark(remark: Remark, *, accept: bool, response: str, by: User) -> Remark:
    """Accept or reject a remark, with a reason (required to reject). Accepting an amendment
    writes it into the working copy, which must still be editable and hold the element."""
    remark = Remark.objects.select_for_update().select_related("review_round").get(pk=remark.pk)
    strategy = Strategy.objects.select_for_update().get(pk=remark.review_round.strategy_id)
    if not can_edit_council(role_in(by, strategy.council)):
        raise PermissionDenied("Seul le coordinateur du conseil donne suite aux remarques.")
    if remark.status != RemarkStatus.OPEN:
        raise WorkflowError(
            f"Cette remarque a déjà été {remark.get_status_display().lower()} : "
            "sa décision ne change plus."
        )
    response = response.strip()
    if not accept and not response:
        raise WorkflowError("Donnez le motif du rejet : le partenaire le lira.")
    if accept and remark.kind == RemarkKind.AMENDMENT:
        apply_amendment(strategy, remark, by=by)
    remark.status = RemarkStatus.ACCEPTED if accept else RemarkStatus.REJECTED
    remark.response = response
    remark.decided_by = by
    remark.decided_at = timezone.now()
    remark.save()
    record(
        by,
        "accepted" if accept else "rejected",
        remark,
        council=strategy.council,
        changes={"motif": ["", response]} if response else {},
    )
    return remark


@transaction.atomic
def close_round(review_round: ReviewRound, *, by: User) -> None:
    """No more remarks; the open ones still await the coordinator's decision."""
    if ReviewRound.objects.select_for_update().get(pk=review_round.pk).closed_at is not None:
        raise WorkflowError("Cet aller-retour est déjà clôturé.")
    review_round.closed_at = timezone.now()
    review_round.save(update_fields=["closed_at"])
    record(
        by,
        "updated",
        review_round,
        council=review_round.strategy.council,
        changes={"clos le": ["", f"{timezone.localtime(review_round.closed_at):%d/%m/%Y %H:%M}"]},
    )


def remarks_for(strategy: Strategy) -> dict[str, list[Remark]]:
    """Every remark of every round on the strategy, by element key, in one query.

    A result indicator's remarks (its target) are under the indicator's own key."""
    remarks: dict[str, list[Remark]] = defaultdict(list)
    for remark in Remark.objects.filter(review_round__strategy=strategy).select_related(
        "author", "organisation", "decided_by", "review_round__version"
    ):
        remark.field_label = field_label(remark)  # type: ignore[attr-defined]  # a label for the template, set on the instance
        remarks[remark.element_key].append(remark)
    return dict(remarks)
