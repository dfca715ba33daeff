"""The strategy's editing room: a council's strategies, the tree of a strategy, its forms and its
readiness check. Any role of the council reads; the coordinator edits while the status allows."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.audit.events import as_text
from stspd.audit.models import Event
from stspd.councils.access import access_council, can_edit_council
from stspd.councils.deletion import confirm_delete

from . import editing
from .access import (
    access_action,
    access_action_item,
    access_axis,
    access_objective,
    access_objective_indicator,
    access_strategy,
    ensure_editable,
)
from .enums import EDITABLE_STATUSES
from .forms import (
    ActionCreateForm,
    ActionForm,
    ActionIndicatorForm,
    ActionPartnerForm,
    AxisForm,
    BudgetLineForm,
    MilestoneForm,
    ObjectiveForm,
    ObjectiveIndicatorForm,
    StrategyCreateForm,
    StrategyForm,
)
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
from .numbering import Node, numbered_tree, walk
from .readiness import (
    measurability_warnings,
    quantification_gaps,
    readiness_gaps,
    review_gaps,
)
from .snapshot import strategy_tree

# A fiche action's items, by the word of their URL: model, form, "add ..." title.
ITEMS: dict[str, tuple[Any, Any, str]] = {
    "partenaires": (ActionPartner, ActionPartnerForm, "Ajouter un partenaire"),
    "jalons": (Milestone, MilestoneForm, "Ajouter un jalon"),
    "budget": (BudgetLine, BudgetLineForm, "Ajouter une ligne budgétaire"),
    "indicateurs": (ActionIndicator, ActionIndicatorForm, "Ajouter un indicateur d'activité"),
}
ITEM_ANCHORS = {"partenaires": "partenaires", "jalons": "calendrier", "budget": "budget"}
MOVABLE: dict[str, Callable[[User, int], Axis | Objective | Action]] = {
    "axe": lambda user, pk: access_axis(user, pk, edit=True).obj,
    "objectif": lambda user, pk: access_objective(user, pk, edit=True).obj,
    "fiche": lambda user, pk: access_action(user, pk, edit=True).obj,
}


def editable(role: str, strategy: Strategy) -> bool:
    """The coordinator may change the content now (the page shows the edit links)."""
    return can_edit_council(role) and strategy.status in EDITABLE_STATUSES


def budget_totals(lines: Any) -> dict[str, Decimal]:
    totals = {"planned": Decimal(0), "committed": Decimal(0), "spent": Decimal(0)}
    for line in lines:
        for key in totals:
            totals[key] += getattr(line, key)
    return totals


def numbered_node(objective: Objective, action: Action | None = None) -> Node:
    """The numbered objective (its actions numbered, their leads loaded) or fiche action, in
    three queries whatever the size of the strategy."""
    axes = Axis.objects.filter(strategy_id=objective.axis.strategy_id).prefetch_related(
        Prefetch("objectives", queryset=Objective.objects.only("pk", "axis_id", "position")),
        Prefetch("objectives__actions", queryset=Action.objects.select_related("lead")),
    )
    wanted = objective if action is None else action
    return next(node for node in walk(numbered_tree(axes)) if node.element == wanted)


def number_of(objective: Objective, action: Action | None = None) -> str:
    """1.2 for the second objective of the first axis, 1.2.3 for its third action."""
    return numbered_node(objective, action).number


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    strategy: Strategy,
    title: str,
    cancel_url: str,
    done: Callable[[Any], str],
    label: Callable[[Any], str] | None = None,
    **context: Any,
) -> HttpResponse:
    """The common shape of an edit page: save and record on a valid POST, else show the form."""
    if request.method == "POST" and form.is_valid():
        obj = form.instance
        saved = editing.save_element(
            form,
            by=current_user(request),
            council=strategy.council,
            label=label(obj) if label else None,
        )
        messages.success(request, f"« {saved} » est enregistré.")
        if isinstance(form, BudgetLineForm) and form.over_planned:
            messages.warning(
                request,
                "L'engagé dépasse le prévu de cette ligne : pensez à relever le prévu si le "
                "financeur a augmenté sa participation.",
            )
        return redirect(done(saved))
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "strategy": strategy,
            "council": strategy.council,
            "title": title,
            "cancel_url": cancel_url,
            **context,
        },
    )


# Strategies of a council ----------------------------------------------------------------------


@login_required
def strategy_list(request: HttpRequest, council_id: int) -> HttpResponse:
    granted = access_council(current_user(request), council_id)
    council = granted.obj
    return render(
        request,
        "strategy/strategy_list.html",
        {
            "council": council,
            "strategies": council.strategies.all(),
            "can_edit": granted.can_edit,
        },
    )


@login_required
def strategy_create(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access_council(user, council_id, edit=True).obj
    form = StrategyCreateForm(request.POST or None, instance=Strategy(council=council))
    if form.is_valid():
        strategy = editing.save_element(form, by=user, council=council)
        messages.success(request, "La stratégie est créée : ajoutez ses axes.")
        return redirect("strategy:detail", strategy.pk)
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "council": council,
            "title": "Nouvelle stratégie territoriale",
            "cancel_url": reverse("strategy:list", args=[council.pk]),
        },
    )


@login_required
def strategy_detail(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """The whole tree in a fixed number of queries, whatever the number of actions."""
    granted = access_strategy(current_user(request), strategy_id)
    tree = strategy_tree(granted.obj.pk)
    lines: list[BudgetLine] = []
    for axis in tree.axes.all():
        for objective in axis.objectives.all():
            for action in objective.actions.all():
                action.totals = budget_totals(action.budget_lines.all())  # type: ignore[attr-defined]  # the totals for the template, set on the instance
                lines += action.budget_lines.all()
    all_gaps = readiness_gaps(tree)
    return render(
        request,
        "strategy/strategy_detail.html",
        {
            "strategy": tree,
            "axes": numbered_tree(tree.axes.all()),
            "council": tree.council,
            "can_edit": editable(granted.role, tree),
            "is_coordinator": granted.can_edit,
            "gaps": review_gaps(all_gaps),
            "missing": quantification_gaps(all_gaps),
            "totals": budget_totals(lines),
        },
    )


@login_required
def strategy_edit(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id, edit=True).obj
    ensure_editable(strategy)
    return form_page(
        request,
        StrategyForm(request.POST or None, instance=strategy),
        strategy=strategy,
        title="Modifier la stratégie",
        cancel_url=strategy.get_absolute_url(),
        done=lambda obj: obj.get_absolute_url(),
    )


@login_required
def readiness(request: HttpRequest, strategy_id: int) -> HttpResponse:
    granted = access_strategy(current_user(request), strategy_id)
    strategy = granted.obj
    gaps = readiness_gaps(strategy)
    return render(
        request,
        "strategy/readiness.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "gaps": review_gaps(gaps),
            "missing": quantification_gaps(gaps),
            "warnings": measurability_warnings(strategy),
            "can_edit": editable(granted.role, strategy),
        },
    )


@login_required
def move(request: HttpRequest, kind: str, element_id: int) -> HttpResponse:
    """Move an axis, an objective or a fiche action up or down among its siblings (POST)."""
    if kind not in MOVABLE:
        raise Http404
    user = current_user(request)
    element = MOVABLE[kind](user, element_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    strategy = strategy_of(element)
    step = -1 if request.POST.get("sens") == "haut" else 1
    editing.move(element, step, by=user, council=strategy.council)
    return redirect(f"{strategy.get_absolute_url()}#{kind}-{element.pk}")


def strategy_of(element: Axis | Objective | Action) -> Strategy:
    if isinstance(element, Axis):
        return element.strategy
    if isinstance(element, Objective):
        return element.axis.strategy
    return element.objective.axis.strategy


# Axes ------------------------------------------------------------------------------------------


@login_required
def axis_add(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id, edit=True).obj
    ensure_editable(strategy)
    axis = Axis(strategy=strategy, position=editing.next_position(strategy.axes.all()))
    return form_page(
        request,
        AxisForm(request.POST or None, instance=axis),
        strategy=strategy,
        title="Ajouter un axe stratégique",
        cancel_url=strategy.get_absolute_url(),
        done=lambda obj: f"{strategy.get_absolute_url()}#axe-{obj.pk}",
    )


@login_required
def axis_edit(request: HttpRequest, axis_id: int) -> HttpResponse:
    axis = access_axis(current_user(request), axis_id, edit=True).obj
    strategy = axis.strategy
    return form_page(
        request,
        AxisForm(request.POST or None, instance=axis),
        strategy=strategy,
        title="Modifier l'axe",
        cancel_url=f"{strategy.get_absolute_url()}#axe-{axis.pk}",
        done=lambda obj: f"{strategy.get_absolute_url()}#axe-{obj.pk}",
        delete_url=reverse("strategy:axis_delete", args=[axis.pk]),
    )


@login_required
def axis_delete(request: HttpRequest, axis_id: int) -> HttpResponse:
    axis = access_axis(current_user(request), axis_id, edit=True).obj
    strategy = axis.strategy
    return confirm_delete(
        request,
        axis,
        council=strategy.council,
        cancel_url=f"{strategy.get_absolute_url()}#axe-{axis.pk}",
        done_url=strategy.get_absolute_url(),
        context={"strategy": strategy},
    )


# Objectives and their indicators ---------------------------------------------------------------


@login_required
def objective_add(request: HttpRequest, axis_id: int) -> HttpResponse:
    axis = access_axis(current_user(request), axis_id, edit=True).obj
    objective = Objective(axis=axis, position=editing.next_position(axis.objectives.all()))
    return form_page(
        request,
        ObjectiveForm(request.POST or None, instance=objective),
        strategy=axis.strategy,
        title=f"Ajouter un objectif à l'axe « {axis} »",
        cancel_url=f"{axis.strategy.get_absolute_url()}#axe-{axis.pk}",
        done=lambda obj: obj_url("strategy:objective", obj),
    )


def obj_url(name: str, obj: models.Model) -> str:
    return reverse(name, args=[obj.pk])


@login_required
def objective_detail(request: HttpRequest, objective_id: int) -> HttpResponse:
    granted = access_objective(current_user(request), objective_id)
    objective = granted.obj
    strategy = objective.axis.strategy
    node = numbered_node(objective)
    return render(
        request,
        "strategy/objective_detail.html",
        {
            "objective": objective,
            "number": node.number,
            "strategy": strategy,
            "council": strategy.council,
            "uses": objective.indicators.select_related(
                "definition__observatory_indicator", "commune"
            ).prefetch_related(
                Prefetch(
                    "explains",
                    ObjectiveIndicator.objects.select_related("definition", "commune"),
                )
            ),
            "actions": node.children,
            "can_edit": editable(granted.role, strategy),
        },
    )


@login_required
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access_objective(current_user(request), objective_id, edit=True).obj
    url = obj_url("strategy:objective", objective)
    return form_page(
        request,
        ObjectiveForm(request.POST or None, instance=objective),
        strategy=objective.axis.strategy,
        title="Modifier l'objectif",
        cancel_url=url,
        done=lambda obj: url,
        objective=objective,
        delete_url=reverse("strategy:objective_delete", args=[objective.pk]),
    )


@login_required
def objective_delete(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access_objective(current_user(request), objective_id, edit=True).obj
    strategy = objective.axis.strategy
    return confirm_delete(
        request,
        objective,
        council=strategy.council,
        cancel_url=obj_url("strategy:objective", objective),
        done_url=f"{strategy.get_absolute_url()}#axe-{objective.axis_id}",
        context={"strategy": strategy},
    )


@login_required
def objective_indicator_add(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access_objective(current_user(request), objective_id, edit=True).obj
    strategy = objective.axis.strategy
    url = obj_url("strategy:objective", objective)
    return form_page(
        request,
        ObjectiveIndicatorForm(
            request.POST or None,
            instance=ObjectiveIndicator(objective=objective),
            strategy=strategy,
        ),
        strategy=strategy,
        title="Ajouter un indicateur à l'objectif",
        cancel_url=url,
        done=lambda obj: url,
        label=lambda use: f"{objective} — {use.definition.name}",
        objective=objective,
        aside_url=reverse("indicators:library", args=[strategy.council_id]),
        aside_label="L'indicateur manque ? Ajoutez-le à la bibliothèque du conseil",
    )


@login_required
def objective_indicator_edit(request: HttpRequest, use_id: int) -> HttpResponse:
    use = access_objective_indicator(current_user(request), use_id, edit=True).obj
    objective = use.objective
    url = obj_url("strategy:objective", objective)
    return form_page(
        request,
        ObjectiveIndicatorForm(
            request.POST or None, instance=use, strategy=objective.axis.strategy
        ),
        strategy=objective.axis.strategy,
        title=f"Modifier l'indicateur « {use.definition.name} »",
        cancel_url=url,
        done=lambda obj: url,
        label=lambda use: f"{objective} — {use.definition.name}",
        objective=objective,
        delete_url=reverse("strategy:objective_indicator_delete", args=[use.pk]),
    )


@login_required
def objective_indicator_delete(request: HttpRequest, use_id: int) -> HttpResponse:
    use = access_objective_indicator(current_user(request), use_id, edit=True).obj
    objective = use.objective
    url = obj_url("strategy:objective", objective)
    return confirm_delete(
        request,
        use,
        council=objective.axis.strategy.council,
        cancel_url=url,
        done_url=url,
        context={"strategy": objective.axis.strategy, "objective": objective},
    )


# Fiches action ---------------------------------------------------------------------------------


@login_required
def action_add(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = access_objective(current_user(request), objective_id, edit=True).obj
    strategy = objective.axis.strategy
    action = Action(objective=objective, position=editing.next_position(objective.actions.all()))
    return form_page(
        request,
        ActionCreateForm(request.POST or None, instance=action, strategy=strategy),
        strategy=strategy,
        title=f"Nouvelle fiche action de l'objectif « {objective} »",
        cancel_url=obj_url("strategy:objective", objective),
        done=lambda obj: obj.get_absolute_url(),
        objective=objective,
    )


@login_required
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    granted = access_action(current_user(request), action_id)
    action = granted.obj
    objective = action.objective
    strategy = objective.axis.strategy
    lines = action.budget_lines.all()
    return render(
        request,
        "strategy/action_detail.html",
        {
            "action": action,
            "number": number_of(objective, action),
            "objective": objective,
            "strategy": strategy,
            "council": strategy.council,
            "communes": action.communes.order_by("name"),
            "partners": action.partners.select_related("organisation"),
            "milestones": action.milestones.all(),
            "lines": lines,
            "totals": budget_totals(lines),
            "uses": action.indicators.select_related("definition"),
            "can_edit": editable(granted.role, strategy),
        },
    )


@login_required
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    """Every field of the fiche. Two people editing it at once: the second save is refused,
    their input stays in the form and the first person's values are shown beside it."""
    user = current_user(request)
    action = access_action(user, action_id, edit=True).obj
    strategy = action.objective.axis.strategy
    form = ActionForm(request.POST or None, instance=action, strategy=strategy)
    theirs: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            editing.save_action(form, by=user)
        except editing.ActionConflict as conflict:
            form, theirs = conflicting_form(request, form, conflict.current, strategy)
        else:
            messages.success(request, f"La fiche action « {action} » est enregistrée.")
            return redirect(action)
    return render(
        request,
        "strategy/action_form.html",
        {
            "form": form,
            "action": action,
            "objective": action.objective,
            "strategy": strategy,
            "council": strategy.council,
            "theirs": theirs,
            "last_change": Event.objects.filter(
                object_type="strategy.action", object_id=str(action.pk), verb="updated"
            ).first()
            if theirs
            else None,
        },
    )


def conflicting_form(
    request: HttpRequest, mine: ActionForm, current: Action, strategy: Strategy
) -> tuple[ActionForm, list[tuple[str, str]]]:
    """The person's input again, now based on the current revision (saving again replaces the
    other version knowingly), and the other version's values where they differ."""
    saved = ActionForm(instance=current, strategy=strategy)
    theirs = []
    for name, field in mine.fields.items():
        if name == "revision":
            continue
        their_text = as_text(field, saved.get_initial_for_field(field, name))
        if their_text != as_text(field, mine.cleaned_data.get(name)):
            theirs.append((str(field.label), their_text or "(vide)"))
    data = request.POST.copy()
    data["revision"] = str(current.revision)
    form = ActionForm(data, instance=current, strategy=strategy)
    form.is_valid()
    form.add_error(
        None,
        "Quelqu'un a enregistré cette fiche action pendant que vous la modifiiez : votre "
        "enregistrement n'a pas été fait. Vos saisies sont conservées ci-dessous ; les valeurs "
        "qu'il ou elle a enregistrées sont rappelées en tête de page. Enregistrez à nouveau pour "
        "remplacer sa version par la vôtre, ou annulez pour garder la sienne.",
    )
    return form, theirs


@login_required
def action_delete(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access_action(current_user(request), action_id, edit=True).obj
    objective = action.objective
    return confirm_delete(
        request,
        action,
        council=objective.axis.strategy.council,
        cancel_url=action.get_absolute_url(),
        done_url=obj_url("strategy:objective", objective),
        context={"strategy": objective.axis.strategy, "objective": objective},
    )


@login_required
def item_add(request: HttpRequest, action_id: int, kind: str) -> HttpResponse:
    if kind not in ITEMS:
        raise Http404
    model, form_class, title = ITEMS[kind]
    action = access_action(current_user(request), action_id, edit=True).obj
    strategy = action.objective.axis.strategy
    url = f"{action.get_absolute_url()}#{ITEM_ANCHORS.get(kind, kind)}"
    return form_page(
        request,
        form_class(request.POST or None, instance=model(action=action), strategy=strategy),
        strategy=strategy,
        title=title,
        cancel_url=url,
        done=lambda obj: url,
        label=lambda item: f"{action} — {item}",
        objective=action.objective,
        action=action,
    )


@login_required
def item_edit(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in ITEMS:
        raise Http404
    model, form_class, _ = ITEMS[kind]
    item = access_action_item(current_user(request), model, item_id, edit=True).obj
    action = item.action
    strategy = action.objective.axis.strategy
    url = f"{action.get_absolute_url()}#{ITEM_ANCHORS.get(kind, kind)}"
    return form_page(
        request,
        form_class(request.POST or None, instance=item, strategy=strategy),
        strategy=strategy,
        title=f"Modifier « {item} »",
        cancel_url=url,
        done=lambda obj: url,
        label=lambda item: f"{action} — {item}",
        objective=action.objective,
        action=action,
        delete_url=reverse("strategy:item_delete", args=[kind, item.pk]),
    )


@login_required
def item_delete(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    if kind not in ITEMS:
        raise Http404
    model = ITEMS[kind][0]
    item = access_action_item(current_user(request), model, item_id, edit=True).obj
    action = item.action
    url = f"{action.get_absolute_url()}#{ITEM_ANCHORS.get(kind, kind)}"
    return confirm_delete(
        request,
        item,
        council=action.objective.axis.strategy.council,
        cancel_url=url,
        done_url=url,
        context={"strategy": action.objective.axis.strategy, "objective": action.objective},
    )
