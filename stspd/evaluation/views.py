"""The evaluation of an objective (what changed, against comparable communes, and the partners'
appraisal) and the appraisal forms. Any role of the council reads; the coordinator writes, in
any state of the strategy: evaluation goes on after adoption, it is not the strategy's content.
A fiche's lead writes a draft of its appraisal, which the coordinator validates (access.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.councils.access import can_edit_council
from stspd.steering.access import organisations_of
from stspd.steering.context_series import ContextSeries, context_series
from stspd.strategy.access import access_objective, access_objective_indicator
from stspd.strategy.models import Action, Objective, ObjectiveIndicator, Strategy
from stspd.strategy.views import number_of

from .access import access_action_to_appraise, access_appraisal, ensure_coordinator
from .forms import AppraisalForm, InterventionStartForm
from .judgements import council_members, judge_indicators, measurements_of
from .models import Appraisal, InterventionStart


def use_name(use: ObjectiveIndicator) -> str:
    return use.definition.name + (f" — {use.commune.name}" if use.commune else "")


def period_years(strategy: Strategy) -> list[int]:
    return list(range(strategy.starts_on.year, strategy.ends_on.year + 1))


def objective_context(
    objective: Objective, strategy: Strategy, led: set[int] | None = None
) -> dict[str, Any]:
    """Everything the evaluation page of an objective shows, in a fixed number of queries
    whatever the number of its actions. `led`: the organisations of the reader, whose fiches
    they appraise (None: the coordinator, who appraises every fiche)."""
    uses = list(
        objective.indicators.select_related(
            "definition__observatory_indicator", "commune", "intervention_start"
        ).prefetch_related("explains")
    )
    judgements = judge_indicators(strategy, uses, council_members(strategy), measurements_of(uses))
    # Context indicators: no judgement, shown beside the result indicators they explain.
    series = context_series(uses, strategy.council)
    names = {use.pk: use_name(use) for use in uses}
    beside: dict[int, list[tuple[int, str, ContextSeries]]] = defaultdict(list)
    contexts = []
    for use in uses:
        if use.pk not in series:
            continue
        explained = [other.pk for other in use.explains.all() if other.pk in names]
        for pk in explained:
            beside[pk].append((use.pk, names[use.pk], series[use.pk]))
        contexts.append((use, names[use.pk], series[use.pk], [names[pk] for pk in explained]))
    actions = list(objective.actions.select_related("lead"))
    appraisals: dict[int, list[Appraisal]] = defaultdict(list)
    for appraisal in Appraisal.objects.filter(action__objective=objective).order_by("-year"):
        assert appraisal.action_id is not None  # the filter went through its action
        appraisals[appraisal.action_id].append(appraisal)
    return {
        "judgements": judgements,
        "judgement_rows": [(j, beside.get(j.use.pk, [])) for j in judgements],
        "contexts": contexts,
        "counterfactuals": [j for j in judgements if j.counterfactual is not None],
        "appraisals": list(objective.appraisals.order_by("-year")),
        "actions": [
            (action, appraisals[action.pk], led is None or action.lead_id in led)
            for action in actions
        ],
    }


@login_required
def objective_evaluation(request: HttpRequest, objective_id: int) -> HttpResponse:
    user = current_user(request)
    granted = access_objective(user, objective_id)
    objective = granted.obj
    strategy = objective.axis.strategy
    led = None if granted.can_edit else organisations_of(user)
    context = objective_context(objective, strategy, led)
    charts = {
        f"cf-{j.use.pk}": j.counterfactual.chart()
        for j in context["counterfactuals"]
        if j.counterfactual and j.counterfactual.synthetic
    }
    return render(
        request,
        "evaluation/objective.html",
        context
        | {
            "objective": objective,
            "number": number_of(objective),
            "strategy": strategy,
            "council": strategy.council,
            "charts": charts,
            "can_edit": granted.can_edit,
        },
    )


def _appraisal_page(
    request: HttpRequest,
    form: AppraisalForm,
    *,
    strategy: Strategy,
    subject: Objective | Action,
    back: str,
    title: str,
    role: str,
    **context: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        user = current_user(request)
        with transaction.atomic():
            verb = "created" if form.instance._state.adding else "updated"
            form.instance.updated_by = user
            if can_edit_council(role):
                # What the coordinator writes is validated; a lead's text stays a draft.
                form.instance.validated_at = timezone.now()
                form.instance.validated_by = user
            appraisal = form.save()
            record(
                current_user(request),
                verb,
                appraisal,
                council=strategy.council,
                changes=form_changes(form),
            )
        if appraisal.is_validated:
            messages.success(request, f"L'appréciation {appraisal.year} est enregistrée.")
        else:
            messages.success(
                request,
                f"L'appréciation {appraisal.year} est enregistrée comme brouillon : "
                "le coordinateur du conseil la validera.",
            )
        return redirect(back)
    return render(
        request,
        "evaluation/form.html",
        {
            "form": form,
            "title": title,
            "subject": subject,
            "strategy": strategy,
            "council": strategy.council,
            "cancel_url": back,
        }
        | context,
        status=400 if request.method == "POST" else 200,
    )


def _objective_url(objective_id: int) -> str:
    from django.urls import reverse

    return reverse("evaluation:objective", args=[objective_id]) + "#appreciations"


@login_required
def objective_appraisal_add(request: HttpRequest, objective_id: int) -> HttpResponse:
    granted = access_objective(current_user(request), objective_id)
    objective = granted.obj
    strategy = objective.axis.strategy
    ensure_coordinator(granted.role)
    form = AppraisalForm(
        request.POST or None, instance=Appraisal(objective=objective), years=period_years(strategy)
    )
    return _appraisal_page(
        request,
        form,
        strategy=strategy,
        subject=objective,
        back=_objective_url(objective.pk),
        title="Apprécier l'objectif",
        role=granted.role,
        objective=objective,
    )


@login_required
def action_appraisal_add(request: HttpRequest, action_id: int) -> HttpResponse:
    granted = access_action_to_appraise(current_user(request), action_id)
    action = granted.obj
    strategy = action.objective.axis.strategy
    form = AppraisalForm(
        request.POST or None, instance=Appraisal(action=action), years=period_years(strategy)
    )
    return _appraisal_page(
        request,
        form,
        strategy=strategy,
        subject=action,
        back=_objective_url(action.objective_id),
        title="Apprécier la fiche action",
        role=granted.role,
        objective=action.objective,
        action=action,
    )


@login_required
def appraisal_edit(request: HttpRequest, appraisal_id: int) -> HttpResponse:
    granted = access_appraisal(current_user(request), appraisal_id)
    appraisal = granted.obj
    subject: Objective | Action = appraisal.action or appraisal.objective  # type: ignore[assignment]
    objective = subject.objective if isinstance(subject, Action) else subject
    strategy = objective.axis.strategy
    form = AppraisalForm(request.POST or None, instance=appraisal, years=period_years(strategy))
    return _appraisal_page(
        request,
        form,
        strategy=strategy,
        subject=subject,
        back=_objective_url(objective.pk),
        title=f"Modifier l'appréciation {appraisal.year}",
        role=granted.role,
        objective=objective,
        action=subject if isinstance(subject, Action) else None,
    )


@login_required
def appraisal_validate(request: HttpRequest, appraisal_id: int) -> HttpResponse:
    """The coordinator validates a lead's draft: from then on, reports use it (a POST)."""
    user = current_user(request)
    granted = access_appraisal(user, appraisal_id, validate=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    appraisal = granted.obj
    objective = appraisal.action.objective if appraisal.action else appraisal.objective
    assert objective is not None
    if not appraisal.is_validated:
        with transaction.atomic():
            appraisal.validated_at = timezone.now()
            appraisal.validated_by = user
            appraisal.save(update_fields=["validated_at", "validated_by"])
            record(user, "appraisal_validated", appraisal, council=objective.axis.strategy.council)
        messages.success(request, f"L'appréciation {appraisal.year} est validée.")
    return redirect(_objective_url(objective.pk))


@login_required
def intervention_start(request: HttpRequest, use_id: int) -> HttpResponse:
    """The coordinator dates the intervention an indicator measures, with the reason."""
    user = current_user(request)
    granted = access_objective_indicator(user, use_id)
    use = granted.obj
    objective = use.objective
    strategy = objective.axis.strategy
    ensure_coordinator(granted.role)
    current = InterventionStart.objects.filter(objective_indicator=use).first()
    years = list(range(2016, strategy.ends_on.year + 1))
    form = InterventionStartForm(
        request.POST or None,
        instance=current or InterventionStart(objective_indicator=use),
        initial={} if current else {"year": strategy.starts_on.year},
        years=years,
    )
    back = _objective_url(objective.pk).replace("#appreciations", f"#comparaison-{use.pk}")
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.updated_by = user
            start = form.save()
            record(
                user,
                "updated" if current else "created",
                start,
                council=strategy.council,
                changes=form_changes(form),
                label=f"Début de l'intervention — {use.definition.name}",
            )
        messages.success(request, f"L'intervention est datée de {start.year}.")
        return redirect(back)
    return render(
        request,
        "evaluation/form.html",
        {
            "form": form,
            "title": "Dater le début de l'intervention",
            "subject": use,
            "strategy": strategy,
            "council": strategy.council,
            "objective": objective,
            "cancel_url": back,
        },
        status=400 if request.method == "POST" else 200,
    )
