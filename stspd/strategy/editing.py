"""The verbs that change a strategy's content. Each runs in one transaction and writes an event
(who, when, what) in the council's journal. The caller reached the strategy through access.py
with edit=True and checked `ensure_editable`."""

from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import Max, QuerySet

from stspd.accounts.models import User
from stspd.audit.events import form_changes, record
from stspd.councils.models import Council

from .forms import ActionForm
from .models import Action, Axis, Objective


class ActionConflict(Exception):
    """Someone saved the fiche action after this person opened it: `current` is their version."""

    def __init__(self, current: Action) -> None:
        super().__init__("La fiche action a été modifiée entre-temps.")
        self.current = current


def next_position(siblings: QuerySet[models.Model]) -> int:
    return (siblings.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def save_element(
    form: "forms.ModelForm[Any]", *, by: User, council: Council, label: str | None = None
) -> models.Model:
    """Create or update the form's object and record what changed."""
    verb = "created" if form.instance._state.adding else "updated"
    obj: models.Model = form.save()
    record(by, verb, obj, council=council, changes=form_changes(form), label=label)
    return obj


@transaction.atomic
def save_action(form: ActionForm, *, by: User) -> Action:
    """Save the fiche action if nobody saved it since the form was opened (optimistic lock).

    The revision moves with a conditional UPDATE, atomic on every database: of two saves
    started from the same revision, exactly one wins; the other raises ActionConflict.
    """
    action: Action = form.instance
    started_from = form.cleaned_data["revision"]
    moved = Action.objects.filter(pk=action.pk, revision=started_from).update(
        revision=started_from + 1
    )
    if not moved:
        raise ActionConflict(Action.objects.get(pk=action.pk))
    action.revision = started_from + 1
    form.save()
    record(
        by,
        "updated",
        action,
        council=action.objective.axis.strategy.council,
        changes=form_changes(form),
    )
    return action


PARENT_FIELD: dict[type[models.Model], str] = {
    Axis: "strategy_id",
    Objective: "axis_id",
    Action: "objective_id",
}


@transaction.atomic
def move(obj: Axis | Objective | Action, step: int, *, by: User, council: Council) -> bool:
    """Swap the element with its previous (step -1) or next (step +1) sibling and number the
    siblings 1, 2, 3... again. False when it is already first or last."""
    model = type(obj)
    parent = PARENT_FIELD[model]
    siblings: list[Any] = list(
        model.objects.select_for_update().filter(**{parent: getattr(obj, parent)})
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    target = index + step
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    model.objects.bulk_update(siblings, ["position"])
    record(
        by, "updated", obj, council=council, changes={"ordre": [str(index + 1), str(target + 1)]}
    )
    return True
