"""The tableau de bord of a strategy: the page, its PDF, its settings and the meeting it drafts.

Any role of the council reads it; the coordinator sets the status method and prepares a
meeting's agenda from it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.core.cache import cached
from stspd.councils.models import Meeting
from stspd.strategy.access import access_strategy

from .dashboard import Filters, agenda_text, dashboard_data
from .dashboard_forms import AgendaForm, StatusSettingsForm


@login_required
def dashboard(request: HttpRequest, strategy_id: int) -> HttpResponse:
    granted = access_strategy(current_user(request), strategy_id)
    strategy = granted.obj
    filters = Filters.from_query(request.GET)

    def body() -> str:
        data = dashboard_data(strategy.pk, filters=filters)
        return render_to_string(
            "steering/dashboard/_body.html", {"strategy": data.strategy, "data": data}
        )

    # The statuses and their page, rendered once per version of the data: a value, a target or
    # a setting changed records an event, which gives a new version (stspd/core/cache.py). The
    # part that depends on the person (rights, name, CSRF token) is rendered per request. The
    # body is HTML the template engine made (and escaped): safe to insert as it is.
    context = {
        "strategy": strategy,
        "council": strategy.council,
        "today": timezone.localdate(),
        "filters": filters,
        "body": mark_safe(cached("steering:dashboard", (strategy.pk, filters), body)),
        "can_edit": granted.can_edit,
    }
    return render(request, "steering/dashboard/page.html", context)


@login_required
def dashboard_pdf(request: HttpRequest, strategy_id: int) -> HttpResponse:
    from .dashboard_pdf import render_pdf  # WeasyPrint and matplotlib: loaded only for a PDF

    strategy = access_strategy(current_user(request), strategy_id).obj
    data = dashboard_data(strategy.pk, filters=Filters.from_query(request.GET))
    response = HttpResponse(render_pdf(data), content_type="application/pdf")
    filename = f"tableau-de-bord-{data.today:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def dashboard_settings(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """How statuses are computed: steering settings, changed in any state of the strategy."""
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    form = StatusSettingsForm(request.POST or None, instance=strategy)
    if form.is_valid():
        with transaction.atomic():
            changes = form_changes(form)
            form.save()
            if changes:
                record(user, "updated", strategy, council=strategy.council, changes=changes)
        messages.success(request, "Les réglages du tableau de bord sont enregistrés.")
        return redirect("steering:dashboard", strategy.pk)
    return render(
        request,
        "steering/dashboard/form.html",
        {
            "form": form,
            "strategy": strategy,
            "council": strategy.council,
            "title": "Réglages du tableau de bord",
        },
    )


@login_required
def agenda(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """A plenary or restricted meeting with an agenda drafted from the dashboard."""
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    council = strategy.council
    initial = (
        {} if request.method == "POST" else {"agenda": agenda_text(dashboard_data(strategy.pk))}
    )
    form = AgendaForm(request.POST or None, initial=initial, instance=Meeting(), council=council)
    if form.is_valid():
        with transaction.atomic():
            meeting = form.save()
            record(
                user,
                "created",
                meeting,
                council=council,
                formation=meeting.formation,
                changes=form_changes(form),
            )
        messages.success(
            request,
            "La séance est créée avec son ordre du jour. Les décisions que vous y relèverez "
            "apparaîtront dans le tableau de bord jusqu'à leur réalisation.",
        )
        return redirect(meeting)
    return render(
        request,
        "steering/dashboard/form.html",
        {
            "form": form,
            "strategy": strategy,
            "council": council,
            "title": "Préparer l'ordre du jour d'une séance",
            "back": reverse("steering:dashboard", args=[strategy.pk]),
        },
    )
