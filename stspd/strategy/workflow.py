"""The adoption workflow, written as data, and the verbs that move a strategy along it.

Every verb checks rights (the caller passed through access.py with edit=True), runs in one
transaction, and writes a Transition and an event with its comment. An impossible move raises
WorkflowError with a message a coordinator understands.
"""

from dataclasses import dataclass

from django.db import transaction

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.convocations import MeetingRefused, record_act
from stspd.councils.enums import DecisionKind

from .enums import AdoptionMode, Status
from .models import Strategy, StrategyVersion, Transition
from .numbering import numbered_tree
from .readiness import quantification_gaps, readiness_gaps
from .snapshot import snapshot


class WorkflowError(Exception):
    """A move the workflow does not allow now; the message says why, in French."""


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    label: str
    # What the move records: a meeting, an adoption mode with votes, a deliberation, signatures.
    needs_meeting: bool = False
    needs_adoption: bool = False
    needs_deliberation: bool = False
    needs_signatures: bool = False
    # The content is frozen as a version (sent to partners, or adopted); the move refers to it.
    freezes: bool = False
    # The move is about the version adopted last (deliberated, signed, in force, closed).
    concerns_adopted: bool = False
    # States the move also starts from once the strategy has been adopted: a revision (avenant)
    # goes back to partners and is adopted again without a new orientation debate.
    sources_after_adoption: frozenset[str] = frozenset()
    # States the move also starts from once the orientation debate was held: a debate recorded
    # early, on the diagnostic and the axes, is followed by the draft's review, then adoption.
    sources_after_debate: frozenset[str] = frozenset()

    def allows(self, strategy: Strategy) -> bool:
        if strategy.status in self.sources:
            return True
        if strategy.status in self.sources_after_adoption and has_been_adopted(strategy):
            return True
        return strategy.status in self.sources_after_debate and has_been_debated(strategy)


MOVES: tuple[Move, ...] = (
    Move(
        "review",
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.ORIENTATION_DEBATED, Status.REVISION}),
        Status.IN_REVIEW,
        "Ouvrir un aller-retour avec les partenaires",
        freezes=True,
    ),
    Move(
        "debate",
        # From the draft too: the method debates the axes on the diagnostic, before the full
        # draft is written (docs/domain.md, the method's order).
        frozenset({Status.DRAFT, Status.IN_REVIEW}),
        Status.ORIENTATION_DEBATED,
        "Enregistrer le débat d'orientation (axes adoptés)",
        needs_meeting=True,
    ),
    Move(
        "adopt",
        frozenset({Status.ORIENTATION_DEBATED, Status.REVISION}),
        Status.ADOPTED,
        "Enregistrer l'adoption par le conseil",
        needs_meeting=True,
        needs_adoption=True,
        freezes=True,
        sources_after_adoption=frozenset({Status.IN_REVIEW}),
        sources_after_debate=frozenset({Status.IN_REVIEW}),
    ),
    Move(
        "deliberate",
        frozenset({Status.ADOPTED}),
        Status.DELIBERATED,
        "Enregistrer la délibération",
        needs_deliberation=True,
        concerns_adopted=True,
    ),
    Move(
        "sign",
        frozenset({Status.DELIBERATED}),
        Status.SIGNED,
        "Enregistrer les signatures",
        needs_signatures=True,
        concerns_adopted=True,
    ),
    Move(
        "enforce",
        frozenset({Status.SIGNED}),
        Status.IN_FORCE,
        "Déclarer en vigueur",
        concerns_adopted=True,
    ),
    Move(
        "revise",
        frozenset({Status.IN_FORCE}),
        Status.REVISION,
        "Ouvrir une révision (avenant)",
    ),
    Move(
        "close",
        frozenset({Status.IN_FORCE}),
        Status.CLOSED,
        "Clore la stratégie",
        concerns_adopted=True,
    ),
)

MOVES_BY_NAME = {move.name: move for move in MOVES}


def available_moves(strategy: Strategy) -> list[Move]:
    return [move for move in MOVES if move.allows(strategy)]


def get_move(strategy: Strategy, name: str) -> Move:
    """The move, if the strategy's state allows it; otherwise a clear refusal."""
    move = MOVES_BY_NAME.get(name)
    if move is None:
        raise WorkflowError("Cette étape n'existe pas.")
    if not move.allows(strategy):
        allowed = " ou ".join(f"« {Status(s).label} »" for s in sorted(move.sources))
        if strategy.status in move.sources_after_adoption:
            allowed += (
                " (ou d'une relecture, pour une stratégie déjà adoptée une fois ou dont le débat "
                "d'orientation a eu lieu)"
            )
        raise WorkflowError(
            f"« {move.label} » n'est pas possible : la stratégie est "
            f"« {strategy.get_status_display()} », alors que cette étape part de l'état {allowed}."
        )
    return move


def freeze(strategy: Strategy, *, by: User, reason: str) -> StrategyVersion:
    """Freeze the working copy as version N; the working copy becomes N+1."""
    version = StrategyVersion.objects.create(
        strategy=strategy,
        number=strategy.version_number,
        snapshot=snapshot(strategy.pk),
        frozen_by=by,
        reason=reason,
    )
    strategy.version_number += 1
    strategy.save(update_fields=["version_number", "updated_at"])
    record(by, "frozen", version, council=strategy.council)
    return version


def last_version(strategy: Strategy) -> StrategyVersion | None:
    return strategy.versions.order_by("-number").first()


@transaction.atomic
def apply_move(
    strategy: Strategy, name: str, *, by: User, comment: str = "", **recorded: object
) -> Transition:
    """Move the strategy to the move's target state and write it down.

    `recorded` holds what the move needs (meeting, adoption_mode); the caller creates the
    votes, deliberation or signatures in the same transaction, before or after, as the move says.
    """
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    move = get_move(strategy, name)
    if move.needs_meeting and recorded.get("meeting") is None:
        raise WorkflowError("Indiquez la séance au cours de laquelle cette étape a eu lieu.")
    if move.needs_adoption and not recorded.get("adoption_mode"):
        raise WorkflowError("Indiquez si la stratégie a été adoptée par consensus ou par vote.")
    if name == "debate" and not strategy.axes.exists():
        raise WorkflowError(
            "Le débat d'orientation porte sur les axes : écrivez d'abord au moins un axe, à "
            "partir du diagnostic."
        )
    if name == "adopt":
        check_adoptable(strategy)
    if (
        move.needs_deliberation
        and not strategy.deliberations.filter(
            version_number=adopted_version_number(strategy)
        ).exists()
    ):
        raise WorkflowError("Enregistrez d'abord la délibération (date, numéro, votes).")
    if (
        move.needs_signatures
        and not strategy.signatures.filter(version_number=adopted_version_number(strategy)).exists()
    ):
        raise WorkflowError("Enregistrez d'abord au moins une signature.")
    source = strategy.status
    amends = name == "adopt" and has_been_adopted(strategy)
    if move.freezes:
        version_number = freeze(strategy, by=by, reason=move.label).number
    elif move.concerns_adopted:
        version_number = adopted_version_number(strategy)
    else:
        version_number = strategy.version_number
    transition = Transition.objects.create(
        strategy=strategy,
        source=source,
        target=move.target,
        version_number=version_number,
        by=by,
        comment=comment,
        meeting=recorded.get("meeting"),  # type: ignore[misc]  # `recorded` is typed object; its meeting is a Meeting or None (checked above when needed)
        adoption_mode=str(recorded.get("adoption_mode") or ""),
    )
    strategy.status = move.target
    strategy.save(update_fields=["status", "updated_at"])
    if transition.meeting is not None:
        record_meeting_act(transition, amends=amends, by=by)
    record(
        by,
        "transition",
        strategy,
        council=strategy.council,
        changes={
            "état": [Status(source).label, Status(move.target).label],
            **({"commentaire": ["", comment]} if comment else {}),
        },
    )
    return transition


def check_adoptable(strategy: Strategy) -> None:
    """The council adopts a complete strategy: every result quantified or justified (a draft
    may go to partners without), and a draft debated early has been reviewed since."""
    missing = quantification_gaps(readiness_gaps(strategy))
    if missing:
        raise WorkflowError(
            "La stratégie ne peut pas être adoptée avant d'être chiffrée : "
            + " ".join(gap.message for gap in missing)
        )
    debate = strategy.transitions.filter(target=Status.ORIENTATION_DEBATED).order_by("-pk").first()
    if (
        debate is not None
        and debate.source == Status.DRAFT
        and not strategy.transitions.filter(target=Status.IN_REVIEW, pk__gt=debate.pk).exists()
    ):
        raise WorkflowError(
            "Le débat d'orientation a eu lieu avant la rédaction du projet : envoyez le projet "
            "aux partenaires (un aller-retour) avant de le faire adopter."
        )


def record_meeting_act(transition: Transition, *, amends: bool, by: User) -> None:
    """The debate and the adoption are decisions of the meeting where they took place: shown
    on the meeting, its public page and the council's journal."""
    meeting = transition.meeting
    assert meeting is not None
    title = transition.strategy.title
    if transition.target == Status.ORIENTATION_DEBATED:
        kind = DecisionKind.ORIENTATION_DEBATE
        text = f"Débat d'orientation tenu sur « {title} » : les axes sont retenus."
        if transition.source == Status.DRAFT:
            axes = " ; ".join(
                f"{node.number}. {node.element.title}"
                for node in numbered_tree(transition.strategy.axes.all())
            )
            text = (
                f"Débat d'orientation tenu sur « {title} », à partir du diagnostic et avant la "
                f"rédaction du projet : les axes retenus sont {axes}."
            )
    else:
        mode = AdoptionMode(transition.adoption_mode).label.lower()
        if amends:
            kind = DecisionKind.AMENDMENT
            text = f"Avenant à « {title} » adopté : version {transition.version_number} ({mode})."
        else:
            kind = DecisionKind.ADOPTION
            text = f"« {title} » adoptée : version {transition.version_number} ({mode})."
    try:
        record_act(meeting, kind, text, by=by)
    except MeetingRefused as refused:
        raise WorkflowError(str(refused)) from None


def has_been_debated(strategy: Strategy) -> bool:
    return strategy.transitions.filter(target=Status.ORIENTATION_DEBATED).exists()


def has_been_adopted(strategy: Strategy) -> bool:
    return strategy.transitions.filter(target=Status.ADOPTED).exists()


def adopted_version_number(strategy: Strategy) -> int:
    """The version the council adopted last: the one deliberated and signed (versions sent to
    partners are frozen too, so the last frozen version is not always the adopted one)."""
    adoption = strategy.transitions.filter(target=Status.ADOPTED).order_by("-at", "-pk").first()
    if adoption is not None:
        return adoption.version_number
    version = last_version(strategy)
    return version.number if version else strategy.version_number
