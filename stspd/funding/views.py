"""The funding pages: a council's calls for projects, a call's applications, opinions, grants
and reports due, an application and its documents, and the forms of the cycle."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Meeting
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement

from . import documents, workflow
from .access import (
    access_action_to_apply,
    access_application,
    access_call,
    access_grant,
    council_calls,
    is_lead_member,
)
from .forms import ApplicationForm, CoFundingForm, GrantForm, OpinionsForm, PaymentForm, ReportForm
from .models import Application, Call, Grant
from .prefill import extra_texts
from .rules import gap_percent

ZERO = Decimal(0)


def _council_applications(council: Council, call: Call) -> list[Application]:
    return list(
        Application.objects.filter(call=call, action__objective__axis__strategy__council=council)
        .select_related(
            "action__lead", "programme", "priority", "call", "opinion__decision__meeting__formation"
        )
        .prefetch_related("budget", "grants__payments")
        .order_by("title")
    )


def _attempt(form: Any, do: Callable[[], Any]) -> Any:
    """Run a verb; its refusal becomes the form's error (nothing was stored)."""
    try:
        return do()
    except workflow.FundingRefused as refusal:
        form.add_error(None, str(refusal))
        return None


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------------------------
# Calls
# --------------------------------------------------------------------------------------------


@login_required
def calls(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    from stspd.councils.access import access_council

    council = access_council(user, council_id)
    return render(
        request,
        "funding/calls.html",
        {"council": council.obj, "calls": list(council_calls(council.obj))},
    )


def report_state(grant_due: Any, application: Application, today: Any) -> str:
    if hasattr(application, "report"):
        return "déposé"
    return "en retard" if grant_due < today else "à venir"


@login_required
def call(request: HttpRequest, council_id: int, call_id: int) -> HttpResponse:
    user = current_user(request)
    council, found = access_call(user, council_id, call_id)
    applications = _council_applications(council.obj, found)
    today = timezone.localdate()
    rows = []
    for application in applications:
        grants = list(application.grants.all())
        granted = sum((g.amount for g in grants), ZERO)
        paid_total = sum((p.amount for g in grants for p in g.payments.all()), ZERO)
        rows.append(
            {
                "application": application,
                "budget": workflow.budget_of(application),
                "granted": granted,
                "paid": paid_total,
                "report": report_state(found.report_due_on, application, today) if grants else "",
                "missing": workflow.missing_report_text(
                    workflow.missing_reports(application.action, found)
                ),
                "mine": is_lead_member(user, application.action),
            }
        )
    due = [r for r in rows if r["report"] in ("à venir", "en retard")]
    return render(
        request,
        "funding/call.html",
        {
            "council": council.obj,
            "call": found,
            "programmes": [p.label_in(found.year) for p in found.programmes.all()],
            "rows": rows,
            "late": [r for r in due if r["report"] == "en retard"],
            "due": [r for r in due if r["report"] == "à venir"],
            "can_edit": council.can_edit,
            "actions": _actions_to_apply(user, council.obj, found, council.can_edit),
        },
    )


def _actions_to_apply(user: User, council: Council, call: Call, coordinator: bool) -> list[Any]:
    from stspd.strategy.models import Action

    actions = Action.objects.filter(objective__axis__strategy__council=council).exclude(
        applications__call=call
    )
    if not coordinator:
        actions = actions.filter(lead__memberships__user=user)
    return list(actions.select_related("lead").order_by("title"))


# --------------------------------------------------------------------------------------------
# Applications
# --------------------------------------------------------------------------------------------


def _form_page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    return render(request, template, context, status=status)


@login_required
def application_add(request: HttpRequest, action_id: int, call_id: int) -> HttpResponse:
    user = current_user(request)
    action = access_action_to_apply(user, action_id).obj
    council = action.objective.axis.strategy.council
    found = get_object_or_404(council_calls(council), pk=call_id)
    missing = workflow.missing_report_text(workflow.missing_reports(action, found))
    form = ApplicationForm(
        request.POST or None,
        call=found,
        initial=workflow.prefill(action) if not request.POST else None,
    )
    if request.method == "POST" and form.is_valid():
        application = _attempt(
            form,
            lambda: workflow.create_application(
                action,
                found,
                **form.application_fields(),
                by=user,
            ),
        )
        if application:
            _warn(request, application)
            messages.success(request, "La demande est enregistrée.")
            return redirect(application)
    return _form_page(
        request,
        "funding/application_form.html",
        400 if request.method == "POST" else 200,
        form=form,
        title=f"Demande au titre de l'appel « {found.title} »",
        call=found,
        council=council,
        action=action,
        missing=missing,
        cancel_url=reverse("funding:call", args=[council.pk, found.pk]),
    )


def _warn(request: HttpRequest, application: Application) -> None:
    if warning := workflow.budget_of(application).warning:
        messages.warning(request, warning)


@login_required
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    granted = access_application(user, application_id)
    found = granted.obj
    context = documents.application_context(found)
    grants = list(found.grants.select_related("programme").prefetch_related("payments"))
    return render(
        request,
        "funding/application.html",
        context
        | {
            "grants": [
                (g, g.programme.label_in(found.call.year), list(g.payments.all()), workflow.paid(g))
                for g in grants
            ],
            "report": getattr(found, "report", None),
            "report_lines": _report_lines(found),
            "missing": workflow.missing_report_text(
                workflow.missing_reports(found.action, found.call)
            ),
            "can_edit": granted.can_edit or is_lead_member(user, found.action),
            "is_coordinator": granted.can_edit,
        },
    )


def _report_lines(application: Application) -> list[dict[str, Any]]:
    report = getattr(application, "report", None)
    if report is None:
        return []
    return [
        {"line": line, "gap": gap_percent(line.forecast, line.actual)}
        for line in report.lines.all()
    ]


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    found = access_application(user, application_id, edit=True).obj
    form = ApplicationForm(
        request.POST or None,
        call=found.call,
        initial=None if request.POST else ApplicationForm.initial_from(found),
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: workflow.update_application(
                found,
                **form.application_fields(),
                by=user,
            ),
        )
        if done:
            _warn(request, found)
            messages.success(request, "La demande est modifiée.")
            return redirect(found)
    return _form_page(
        request,
        "funding/application_form.html",
        400 if request.method == "POST" else 200,
        form=form,
        title=f"Modifier la demande « {found.title} »",
        call=found.call,
        council=found.action.objective.axis.strategy.council,
        action=found.action,
        cancel_url=found.get_absolute_url(),
    )


def _simple_form(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    application: Application,
    do: Callable[[], Any],
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and _attempt(form, do):
        messages.success(request, done)
        return redirect(application)
    return render(
        request,
        "funding/form.html",
        {
            "form": form,
            "title": title,
            "application": application,
            "council": application.action.objective.axis.strategy.council,
            "cancel_url": application.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def co_funding_add(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    found = access_application(user, application_id, edit=True).obj
    form = CoFundingForm(request.POST or None)
    return _simple_form(
        request,
        form,
        title="Cofinancement",
        application=found,
        do=lambda: workflow.set_co_funding(
            found,
            funder=form.cleaned_data["funder"],
            requested=form.cleaned_data["requested"],
            granted=form.cleaned_data["granted"],
            state=form.cleaned_data["state"],
            by=user,
        ),
        done="Le cofinancement est enregistré.",
    )


@login_required
def application_pdf(request: HttpRequest, application_id: int) -> HttpResponse:
    found = access_application(current_user(request), application_id).obj
    return _file(
        documents.application_pdf(found), "application/pdf", f"demande-fipd-{found.pk}.pdf"
    )


@login_required
def application_xlsx(request: HttpRequest, application_id: int) -> HttpResponse:
    found = access_application(current_user(request), application_id).obj
    return _file(documents.application_xlsx(found), XLSX, f"demande-fipd-{found.pk}.xlsx")


# --------------------------------------------------------------------------------------------
# Grants and payments (the coordinator records the préfecture's decisions)
# --------------------------------------------------------------------------------------------


@login_required
def grant_add(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    found = access_application(user, application_id, coordinator=True).obj
    form = GrantForm(request.POST or None, call=found.call)
    return _simple_form(
        request,
        form,
        title=f"Subvention accordée à « {found.title} »",
        application=found,
        do=lambda: workflow.record_grant(
            found,
            programme=form.cleaned_data["programme"],
            amount=form.cleaned_data["amount"],
            decided_on=form.cleaned_data["decided_on"],
            by=user,
        ),
        done="La subvention est enregistrée.",
    )


@login_required
def payment_add(request: HttpRequest, grant_id: int) -> HttpResponse:
    user = current_user(request)
    grant: Grant = access_grant(user, grant_id).obj
    form = PaymentForm(request.POST or None)
    return _simple_form(
        request,
        form,
        title=f"Versement : {grant}",
        application=grant.application,
        do=lambda: workflow.record_payment(
            grant,
            amount=form.cleaned_data["amount"],
            paid_on=form.cleaned_data["paid_on"],
            by=user,
        ),
        done="Le versement est enregistré.",
    )


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def qualitative_prefill(application: Application) -> str:
    """The fiche's activity indicators and their validated values of the call's year, then the
    texts the higher rooms give (the fiche's appraisal of the year)."""
    year = application.call.year
    lines = [f"Action « {application.action.title} », exercice {year}.", ""]
    uses = list(application.action.indicators.select_related("definition"))
    values = Measurement.objects.filter(
        action_indicator__in=uses,
        period_start__year=year,
        status=MeasurementStatus.VALIDATED,
    ).order_by("period_start")
    by_use: dict[int, list[Measurement]] = {}
    for m in values:
        assert m.action_indicator_id is not None
        by_use.setdefault(m.action_indicator_id, []).append(m)
    for use in uses:
        found = [m.value for m in by_use.get(use.pk, []) if m.value is not None]
        total = sum(found, Decimal(0)) if found else None
        target = f", cible {use.target_value}" if use.target_value is not None else ""
        shown = f"{total}" if total is not None else "aucune valeur validée"
        lines.append(f"- {use.definition.name} : {shown}{target}")
    for text in extra_texts(application.action, year):
        lines += ["", text]
    lines += ["", "Déroulement, publics touchés, partenariats, difficultés :"]
    return "\n".join(lines)


@login_required
def report_add(request: HttpRequest, application_id: int) -> HttpResponse:
    user = current_user(request)
    found = access_application(user, application_id, edit=True).obj
    budget = workflow.budget_of(found)
    accounts = sorted(budget.amounts)
    form = ReportForm(
        request.POST or None,
        accounts=accounts,
        initial=None if request.POST else {"qualitative": qualitative_prefill(found)},
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: workflow.submit_report(
                found,
                actual=form.actual(),
                explanations=form.explanations(),
                qualitative=form.cleaned_data["qualitative"],
                today=timezone.localdate(),
                by=user,
            ),
        )
        if done:
            messages.success(request, "Le compte rendu est déposé.")
            return redirect(found)
    return render(
        request,
        "funding/report_form.html",
        {
            "form": form,
            "title": f"Compte rendu de « {found.title} »",
            "application": found,
            "budget": budget,
            "council": found.action.objective.axis.strategy.council,
            "cancel_url": found.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------------------------
# The council's opinions
# --------------------------------------------------------------------------------------------


@login_required
def opinions(request: HttpRequest, council_id: int, call_id: int) -> HttpResponse:
    user = current_user(request)
    council, found = access_call(user, council_id, call_id, edit=True)
    applications = _council_applications(council.obj, found)
    meetings = Meeting.objects.filter(
        formation__council=council.obj,
        formation__kind__in=[FormationKind.PLENARY, FormationKind.RESTRICTED],
    ).select_related("formation")
    form = OpinionsForm(request.POST or None, meetings=meetings, applications=applications)
    back = reverse("funding:call", args=[council.obj.pk, found.pk])
    if request.method == "POST" and form.is_valid():
        decision = _attempt(
            form,
            lambda: workflow.record_opinions(
                form.cleaned_data["meeting"], found, form.opinions(), by=user
            ),
        )
        if decision:
            messages.success(
                request, "Les avis du conseil sont enregistrés au relevé de décisions."
            )
            return redirect(back)
    return render(
        request,
        "funding/opinions_form.html",
        {
            "form": form,
            "title": f"Avis du conseil — {found.title}",
            "council": council.obj,
            "call": found,
            "cancel_url": back,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def opinions_pdf(request: HttpRequest, council_id: int, call_id: int) -> HttpResponse:
    council, found = access_call(current_user(request), council_id, call_id)
    content = documents.opinions_pdf(found, council.obj, _council_applications(council.obj, found))
    return _file(content, "application/pdf", f"avis-{found.year}-{council.obj.pk}.pdf")


@login_required
def opinions_xlsx(request: HttpRequest, council_id: int, call_id: int) -> HttpResponse:
    council, found = access_call(current_user(request), council_id, call_id)
    content = documents.opinions_xlsx(found, council.obj, _council_applications(council.obj, found))
    return _file(content, XLSX, f"avis-{found.year}-{council.obj.pk}.xlsx")
