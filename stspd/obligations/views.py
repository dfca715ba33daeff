import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.core.ids import parse_id
from stspd.councils.models import Council
from stspd.strategy.models import Action

from . import access, yearly
from .check import check, is_dormant, territory_population
from .forms import (
    AgreementForm,
    MeetingItemForm,
    NationalAxesForm,
    PlanPriorityForm,
    SortForm,
    YearlyReturnForm,
)
from .map import departement_map
from .models import (
    ActionAxisTag,
    ActionPlanTag,
    Agreement,
    MeetingItem,
    PlanPriority,
    YearlyReturn,
)
from .national import framework, framework_on, frameworks
from .rules import obligations
from .state import departement_view, national_view
from .territory import required_communes

# The first year a return can be made for (the platform's councils start in the 2020s) and how
# far back the list of years goes.
FIRST_RETURN_YEAR = 2020
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _return_year(request: HttpRequest, today: datetime.date) -> int:
    """The year asked for in ?annee=, by default the last complete year."""
    year = parse_id(request.GET.get("annee"))
    if year is not None and FIRST_RETURN_YEAR <= year <= today.year:
        return year
    return today.year - 1


@login_required
def council_obligations(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council_access = access.access_council(user, council_id)
    council = council_access.obj
    today = timezone.localdate()
    required_rule = obligations().council_required_on(today)
    population = territory_population(council)
    covered = {
        row.commune.pk
        for row in required_communes(None, today, among=council.communes())
        if row.council == council
    }
    items = MeetingItem.objects.filter(meeting__formation__council=council).select_related(
        "meeting__formation"
    )
    return render(
        request,
        "obligations/council.html",
        {
            "council": council,
            "council_unreachable": council_access.role == access.PREFECTURE,
            "can_edit": council_access.can_edit,
            "findings": check(council, today),
            "today": today,
            "population": population,
            "required_rule": required_rule,
            "required_source": obligations().source(required_rule.source),
            "required_communes": len(covered),
            "dormant": is_dormant(council, today),
            "items": items,
            "returns": council.yearly_returns.all(),
            "return_years": range(today.year, FIRST_RETURN_YEAR - 1, -1),
        },
    )


@login_required
def item_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    form = MeetingItemForm(request.POST or None, instance=MeetingItem(), council=council)
    if form.is_valid():
        with transaction.atomic():
            item = form.save()
            record(user, "created", item, council=council, changes=form_changes(form))
        messages.success(request, f"« {item.get_kind_display()} » est enregistré.")
        return redirect("obligations:council", council.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Enregistrer un point de séance",
            "cancel_url": reverse("obligations:council", args=[council.pk]),
        },
    )


@login_required
def item_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    user = current_user(request)
    item = get_object_or_404(MeetingItem.objects.select_related("meeting__formation"), pk=item_id)
    council = access.access_council(user, item.meeting.formation.council_id, edit=True).obj
    if request.method != "POST":
        return render(
            request,
            "obligations/item_delete.html",
            {"item": item, "council": council, "title": "Supprimer un point de séance"},
        )
    with transaction.atomic():
        record(user, "deleted", item, council=council)
        item.delete()
    messages.success(request, "Le point de séance est supprimé.")
    return redirect("obligations:council", council.pk)


@login_required
def agreements(request: HttpRequest, council_id: int) -> HttpResponse:
    council_access = access.access_council(current_user(request), council_id)
    council = council_access.obj
    rows = council.agreements.prefetch_related("actions")
    return render(
        request,
        "obligations/agreements.html",
        {
            "council": council,
            "council_unreachable": council_access.role == access.PREFECTURE,
            "can_edit": council_access.can_edit,
            "agreements": rows,
            "today": timezone.localdate(),
        },
    )


def _agreement_form(
    request: HttpRequest, council_id: int, agreement: Agreement | None
) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    instance = agreement or Agreement(council=council)
    form = AgreementForm(request.POST or None, instance=instance, council=council)
    if form.is_valid():
        with transaction.atomic():
            saved = form.save()
            verb = "updated" if agreement else "created"
            record(user, verb, saved, council=council, changes=form_changes(form))
        messages.success(request, f"La convention « {saved.title} » est enregistrée.")
        return redirect("obligations:agreements", council.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Modifier la convention" if agreement else "Nouvelle convention liée",
            "cancel_url": reverse("obligations:agreements", args=[council.pk]),
        },
    )


@login_required
def agreement_add(request: HttpRequest, council_id: int) -> HttpResponse:
    return _agreement_form(request, council_id, None)


@login_required
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    return _agreement_form(request, agreement.council_id, agreement)


@login_required
def yearly_return(request: HttpRequest, council_id: int, year: int) -> HttpResponse:
    """The year's activity return: the figures so far, and the coordinator sends it (frozen)."""
    user = current_user(request)
    council_access = access.access_council(user, council_id)
    council = council_access.obj
    today = timezone.localdate()
    if not FIRST_RETURN_YEAR <= year <= today.year:
        raise Http404
    sent = council.yearly_returns.filter(year=year).first()
    form = None
    if sent is None and council_access.can_edit:
        form = YearlyReturnForm(request.POST or None, instance=YearlyReturn(council=council))
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                report = form.save(commit=False)
                report.year = year
                report.figures = yearly.figures(
                    council,
                    year,
                    coordination_fte=report.coordination_fte,
                    situations_examined=report.situations_examined,
                    today=today,
                )
                report.sent_at = timezone.now()
                report.sent_by = user
                report.save()
                record(user, "submitted", report, council=council)
            messages.success(request, f"Le rapport d'activité {year} est transmis à la préfecture.")
            return redirect("obligations:yearly_return", council.pk, year)
    elif request.method == "POST":
        if sent is not None:
            messages.error(request, "Ce rapport est déjà transmis : il ne change plus.")
            return redirect("obligations:yearly_return", council.pk, year)
        access.access_council(user, council_id, edit=True)  # a reader's POST: 403
    data = _figures(council, year, today)
    return render(
        request,
        "obligations/yearly_return.html",
        {
            "council": council,
            "council_unreachable": council_access.role == access.PREFECTURE,
            "year": year,
            "data": data,
            "sent": sent,
            "form": form,
            "met": yearly.obligations_met(data),
        },
    )


def _figures(council: Council, year: int, today: datetime.date) -> dict[str, Any]:
    """The sent return's frozen figures, else today's draft (the two stated numbers blank)."""
    sent = council.yearly_returns.filter(year=year).first()
    if sent is not None:
        return dict(sent.figures)
    figures = yearly.figures(
        council, year, coordination_fte=None, situations_examined=None, today=today
    )
    figures["draft"] = True
    return figures


def _download(request: HttpRequest, council_id: int, year: int) -> tuple[Council, dict[str, Any]]:
    council = access.access_council(current_user(request), council_id).obj
    today = timezone.localdate()
    if not FIRST_RETURN_YEAR <= year <= today.year:
        raise Http404
    return council, _figures(council, year, today)


@login_required
def yearly_return_pdf(request: HttpRequest, council_id: int, year: int) -> HttpResponse:
    council, data = _download(request, council_id, year)
    response = HttpResponse(yearly.pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-activite-{year}-conseil-{council.pk}.pdf"'
    )
    return response


@login_required
def yearly_return_xlsx(request: HttpRequest, council_id: int, year: int) -> HttpResponse:
    council, data = _download(request, council_id, year)
    response = HttpResponse(yearly.xlsx(data), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-activite-{year}-conseil-{council.pk}.xlsx"'
    )
    return response


@login_required
def departement(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    dep = access.access_departement(user, code)
    today = timezone.localdate()
    year = _return_year(request, today)
    view = departement_view(dep, today, year)
    sort = SortForm(request.GET or None)
    order = sort.cleaned_data.get("tri") if sort.is_valid() else ""
    communes = view.required
    if order == "nom":
        communes = sorted(communes, key=lambda row: row.commune.search_name)
    elif order == "conseil":
        communes = sorted(communes, key=lambda row: row.council is not None)
    return render(
        request,
        "obligations/departement.html",
        {
            "view": view,
            "communes": communes,
            "sort": sort,
            "year": year,
            "today": today,
            "map": mark_safe(departement_map(dep, view.required)),  # built and escaped by map.py
        },
    )


@login_required
def national(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    access.check_national(user)
    today = timezone.localdate()
    year = _return_year(request, today)
    return render(
        request,
        "obligations/national.html",
        {
            "view": national_view(today, year),
            "year": year,
            "today": today,
            # The site admin opens each département's view; a national agent gets 403 there.
            "departement_views": access.opens_every_departement(user),
        },
    )


@login_required
def national_axes(request: HttpRequest, action_id: int) -> HttpResponse:
    """The coordinator tags a fiche action with the national strategies' axes it serves."""
    user = current_user(request)
    action = get_object_or_404(
        Action.objects.select_related("objective__axis__strategy"), pk=action_id
    )
    strategy = action.objective.axis.strategy
    council = access.access_council(user, strategy.council_id, edit=True).obj
    before = set(action.national_axes.values_list("framework", "axis"))
    priorities = list(_plan_priorities(council))
    priorities_before = set(action.plan_priorities.values_list("priority_id", flat=True))
    form = NationalAxesForm(
        request.POST or None,
        initial_tags=before,
        priorities=priorities,
        initial_priorities=priorities_before,
    )
    if form.is_valid():
        after = form.tags()
        priorities_after = form.priority_ids()
        with transaction.atomic():
            action.plan_priorities.all().delete()
            ActionPlanTag.objects.bulk_create(
                ActionPlanTag(action=action, priority_id=pk) for pk in sorted(priorities_after)
            )
            if priorities_after != priorities_before:
                labels = {p.pk: f"{p.plan} {p.code}" for p in priorities}
                record(
                    user,
                    "updated",
                    action,
                    council=council,
                    changes={
                        "priorités départementales": [
                            ", ".join(labels[pk] for pk in sorted(priorities_before)),
                            ", ".join(labels[pk] for pk in sorted(priorities_after)),
                        ]
                    },
                )
            action.national_axes.all().delete()
            ActionAxisTag.objects.bulk_create(
                ActionAxisTag(action=action, framework=code, axis=axis)
                for code, axis in sorted(after)
            )
            if after != before:
                record(
                    user,
                    "updated",
                    action,
                    council=council,
                    changes={"axes nationaux": [_tags_text(before), _tags_text(after)]},
                )
        messages.success(request, f"Les axes nationaux de « {action.title} » sont enregistrés.")
        return redirect("obligations:coverage", council.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": f"Axes nationaux et priorités départementales de « {action.title} »",
            "cancel_url": reverse("obligations:coverage", args=[council.pk]),
        },
    )


def _plan_priorities(council: Council) -> QuerySet[PlanPriority]:
    """The priorities of the préfet's plans of the council's département."""
    departement_id = access.council_departement_id(council)
    if departement_id is None:
        return PlanPriority.objects.none()
    return PlanPriority.objects.filter(departement_id=departement_id)


def _tags_text(tags: set[tuple[str, str]]) -> str:
    return ", ".join(f"{code} axe {axis}" for code, axis in sorted(tags))


@login_required
def coverage(request: HttpRequest, council_id: int) -> HttpResponse:
    """Axes x fiches of the council's latest strategy, for one national strategy."""
    council_access = access.access_council(current_user(request), council_id)
    council = council_access.obj
    strategy = council.strategies.order_by("-starts_on").first()
    chosen = framework(request.GET.get("cadre", "")) or framework_on(
        strategy.starts_on if strategy else timezone.localdate()
    )
    actions = (
        list(
            Action.objects.filter(objective__axis__strategy=strategy)
            .order_by("objective__axis__position", "objective__position", "position")
            .prefetch_related("national_axes")
        )
        if strategy
        else []
    )
    rows = []
    for action in actions:
        tagged = {tag.axis for tag in action.national_axes.all() if tag.framework == chosen.code}
        rows.append((action, [axis.code in tagged for axis in chosen.axes]))
    totals = [sum(1 for _, cells in rows if cells[i]) for i in range(len(chosen.axes))]
    priorities = (
        _plan_priorities(council)
        .annotate(
            served=Count("tags", filter=Q(tags__action__in=[action.pk for action in actions]))
        )
        .order_by("-starts_on", "code")
    )
    return render(
        request,
        "obligations/coverage.html",
        {
            "council": council,
            "council_unreachable": council_access.role == access.PREFECTURE,
            "strategy": strategy,
            "framework": chosen,
            "frameworks": frameworks(),
            "rows": rows,
            "totals": totals,
            "untagged": sum(1 for _, cells in rows if not any(cells)),
            "priorities": priorities,
            "can_edit": council_access.can_edit,
        },
    )


@login_required
def plan(request: HttpRequest, code: str) -> HttpResponse:
    """The préfet's departmental plan: its priorities, added by the préfecture agent."""
    user = current_user(request)
    dep = access.access_departement(user, code)
    form = PlanPriorityForm(request.POST or None, instance=PlanPriority(departement=dep))
    if form.is_valid():
        with transaction.atomic():
            priority = form.save()
            record(user, "created", priority, changes=form_changes(form))
        messages.success(request, f"La priorité {priority.code} est ajoutée au plan.")
        return redirect("obligations:plan", dep.code)
    return render(
        request,
        "obligations/plan.html",
        {
            "departement": dep,
            "priorities": PlanPriority.objects.filter(departement=dep).annotate(
                served=Count("tags")
            ),
            "form": form,
        },
    )
