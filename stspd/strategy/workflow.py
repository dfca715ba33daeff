"""The adoption workflow, written as data, and the verbs that move a strategy along it.

Every verb checks rights (the caller passed through access.py with edit=True), runs in one
transaction, and writes a Transition and an event with its comment. An impossible move raises
WorkflowError with a message a coordinator understands.
"""

from dataclasses import dataclass

from django.db import transaction

from stspd.accounts.models import User
from stspd.audit.events import record

from .enums import Status
from .models import Strategy, StrategyVersion, Transition
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
    # The content adopted is frozen as a version; later moves refer to that version.
    freezes: bool = False


MOVES: tuple[Move, ...] = (
    Move(
        "review",
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.REVISION}),
        Status.IN_REVIEW,
        "Ouvrir un aller-retour avec les partenaires",
    ),
    Move(
        "debate",
        frozenset({Status.IN_REVIEW}),
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
    ),
    Move(
        "deliberate",
        frozenset({Status.ADOPTED}),
        Status.DELIBERATED,
        "Enregistrer la délibération",
        needs_deliberation=True,
    ),
    Move(
        "sign",
        frozenset({Status.DELIBERATED}),
        Status.SIGNED,
        "Enregistrer les signatures",
        needs_signatures=True,
    ),
    Move("enforce", frozenset({Status.SIGNED}), Status.IN_FORCE, "Déclarer en vigueur"),
    Move(
        "revise",
        frozenset({Status.IN_FORCE}),
        Status.REVISION,
        "Ouvrir une révision (avenant)",
    ),
    Move("close", frozenset({Status.IN_FORCE}), Status.CLOSED, "Clore la stratégie"),
)

MOVES_BY_NAME = {move.name: move for move in MOVES}


def available_moves(strategy: Strategy) -> list[Move]:
    return [move for move in MOVES if strategy.status in move.sources]


def get_move(strategy: Strategy, name: str) -> Move:
    """The move, if the strategy's state allows it; otherwise a clear refusal."""
    move = MOVES_BY_NAME.get(name)
    if move is None:
        raise WorkflowError("Cette étape n'existe pas.")
    if strategy.status not in move.sources:
        allowed = ", ".join(f"« {Status(s).label} »" for s in sorted(move.sources))
        raise WorkflowError(
            f"« {move.label} » n'est pas possible : la stratégie est "
            f"« {strategy.get_status_display()} », alors que cette étape part de {allowed}."
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
    if move.freezes:
        freeze(strategy, by=by, reason=move.label)
    transition = Transition.objects.create(
        strategy=strategy,
        source=source,
        target=move.target,
        version_number=adopted_version_number(strategy)
        if move.freezes
        else strategy.version_number,
        by=by,
        comment=comment,
        meeting=recorded.get("meeting"),  # type: ignore[misc]
        adoption_mode=str(recorded.get("adoption_mode") or ""),
    )
    strategy.status = move.target
    strategy.save(update_fields=["status", "updated_at"])
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


def adopted_version_number(strategy: Strategy) -> int:
    """The version the council adopted last: the one deliberated and signed."""
    version = last_version(strategy)
    return version.number if version else strategy.version_number
