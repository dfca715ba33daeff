"""The only way views reach a strategy and its elements.

A strategy belongs to its council: an outsider gets 404, any role reads it, the coordinator
edits it (403 for the others). Partners chosen as reviewers of an open round may comment.
Each helper returns an `Access` (the object and the person's role in the council).
"""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import Access, can_edit_council, role_in

from .enums import EDITABLE_STATUSES
from .models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
    ObjectiveIndicator,
    Strategy,
)


def check_strategy(user: User, strategy: Strategy, *, edit: bool = False) -> Access[Strategy]:
    role = role_in(user, strategy.council)
    if role is None:
        raise Http404
    if edit and not can_edit_council(role):
        raise PermissionDenied("Seul le coordinateur du conseil peut modifier la stratégie.")
    return Access(strategy, role)


def access_strategy(user: User, strategy_id: int, *, edit: bool = False) -> Access[Strategy]:
    strategy = get_object_or_404(
        Strategy.objects.select_related("council__commune", "council__epci"), pk=strategy_id
    )
    return check_strategy(user, strategy, edit=edit)


def ensure_editable(strategy: Strategy) -> None:
    """The content of an adopted or signed version is frozen: only a revision changes it."""
    if strategy.status not in EDITABLE_STATUSES:
        raise PermissionDenied(
            f"La stratégie est « {strategy.get_status_display()} » : son contenu ne se modifie "
            "plus. Ouvrez une révision (avenant) pour le faire évoluer."
        )


def access_action(user: User, action_id: int, *, edit: bool = False) -> Access[Action]:
    action = get_object_or_404(
        Action.objects.select_related(
            "objective__axis__strategy__council__commune",
            "objective__axis__strategy__council__epci",
            "lead",
        ),
        pk=action_id,
    )
    role = check_strategy(user, action.objective.axis.strategy, edit=edit).role
    if edit:
        ensure_editable(action.objective.axis.strategy)
    return Access(action, role)


def access_axis(user: User, axis_id: int, *, edit: bool = False) -> Access[Axis]:
    axis = get_object_or_404(
        Axis.objects.select_related("strategy__council__commune", "strategy__council__epci"),
        pk=axis_id,
    )
    role = check_strategy(user, axis.strategy, edit=edit).role
    if edit:
        ensure_editable(axis.strategy)
    return Access(axis, role)


def access_objective(user: User, objective_id: int, *, edit: bool = False) -> Access[Objective]:
    objective = get_object_or_404(
        Objective.objects.select_related(
            "axis__strategy__council__commune", "axis__strategy__council__epci"
        ),
        pk=objective_id,
    )
    role = check_strategy(user, objective.axis.strategy, edit=edit).role
    if edit:
        ensure_editable(objective.axis.strategy)
    return Access(objective, role)


def access_objective_indicator(
    user: User, use_id: int, *, edit: bool = False
) -> Access[ObjectiveIndicator]:
    use = get_object_or_404(
        ObjectiveIndicator.objects.select_related(
            "definition",
            "objective__axis__strategy__council__commune",
            "objective__axis__strategy__council__epci",
        ),
        pk=use_id,
    )
    role = check_strategy(user, use.objective.axis.strategy, edit=edit).role
    if edit:
        ensure_editable(use.objective.axis.strategy)
    return Access(use, role)


ActionItem = TypeVar("ActionItem", ActionPartner, Milestone, BudgetLine, ActionIndicator)


def access_action_item(
    user: User, model: type[ActionItem], item_id: int, *, edit: bool = False
) -> Access[ActionItem]:
    """A partner, milestone, budget line or activity indicator of a fiche action."""
    item = get_object_or_404(model, pk=item_id)
    action = access_action(user, item.action_id, edit=edit)
    item.action = action.obj
    return Access(item, action.role)
