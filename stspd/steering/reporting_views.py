import contextlib
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.councils.access import access_council, can_edit_council
from stspd.indicators.enums import Periodicity
from stspd.strategy.access import access_strategy
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator, Strategy

from .access import access_indicator_use, access_measurement, kind_of, strategy_of
from .enums import MeasurementStatus
from .evidence import CONTENT_TYPES, detected_kind
from .observatory_series import observatory_series
from .periods import period_label
from .reporting import (
    REPORTING_STATUSES,
    ReportingError,
    Slot,
    duties,
    measurements_of,
    ordered,
    reportable_periods,
    reporting_problem,
    send_back,
    slots_of,
    submit,
    validate,
)
from .reporting_forms import MeasurementForm, ReturnForm


@login_required
def my_reporting(request: HttpRequest, council_id: int) -> HttpResponse:
    """The values a person has to report in a council: missing and returned ones first."""
    user = current_user(request)
    granted = access_council(user, council_id)
    council, role = granted.obj, granted.role
    today = timezone.localdate()
    uses = duties(user, council, role)
    to_do, done = ordered(slots_of(uses, today))
    return render(
        request,
        "steering/my_reporting.html",
        {
            "council": council,
            "to_do": to_do,
            "done": done,
            "n_overdue": sum(slot.overdue for slot in to_do),
            "n_indicators": len(uses),
            "is_reader": role == "reader",
            "is_coordinator": can_edit_council(role),
            "strategies": Strategy.objects.filter(council=council, status__in=REPORTING_STATUSES),
        },
    )


def default_period(use: ActionIndicator | ObjectiveIndicator, today: datetime.date) -> str:
    """The first period still to report, else the latest one."""
    slots = slots_of([use], today)
    for slot in slots:
        if slot.to_do:
            return slot.period_start.isoformat()
    return slots[-1].period_start.isoformat() if slots else ""


def back_url(request: HttpRequest, use: ActionIndicator | ObjectiveIndicator, role: str) -> str:
    strategy = strategy_of(use)
    if request.GET.get("retour") == "valeurs" and can_edit_council(role):
        return reverse("steering:values", args=[strategy.pk])
    return reverse("steering:my_reporting", args=[strategy.council_id])


@login_required
def report(request: HttpRequest, kind: str, use_id: int) -> HttpResponse:
    """The form of one indicator-period: a new value, or the correction of one."""
    user = current_user(request)
    granted = access_indicator_use(user, kind, use_id)
    use, role = granted.obj, granted.role
    strategy = strategy_of(use)
    council = strategy.council
    today = timezone.localdate()
    context: dict[str, Any] = {
        "use": use,
        "kind": kind,
        "strategy": strategy,
        "council": council,
        "back": back_url(request, use, role),
        "where": Slot(use, strategy, today, None, today).where,
    }
    if problem := reporting_problem(use):
        context["refusal"] = problem
        status = 400 if request.method == "POST" else 200
        return render(request, "steering/report_form.html", context, status=status)
    period = request.POST.get("period") or request.GET.get("periode") or default_period(use, today)
    existing = None
    with contextlib.suppress(ValueError):
        existing = (
            measurements_of(use).filter(period_start=datetime.date.fromisoformat(period)).first()
        )
    initial: dict[str, Any] = {"period": period, "state": "published"}
    if existing is not None:
        initial |= {
            "state": existing.state,
            "value": "" if existing.value is None else str(existing.value.normalize()),
            "comment": existing.comment,
        }
        initial["value"] = initial["value"].replace(".", ",")
    form = MeasurementForm(
        request.POST or None, request.FILES or None, use=use, today=today, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement = submit(
                use,
                period_start=data["period"],
                state=data["state"],
                value=data["value"],
                comment=data["comment"],
                evidence=data["evidence"],
                by=user,
                role=role,
                today=today,
            )
        except ReportingError as error:
            form.add_error(None, str(error))
        else:
            label = period_label(measurement.period_start, use.definition.periodicity)
            text = f"La valeur de « {use.definition.name} » pour {label} est transmise."
            if measurement.late:
                text += " Elle est signalée en retard."
            messages.success(request, text)
            if measurement.warning:
                messages.warning(
                    request,
                    f"Valeur enregistrée avec une alerte pour le coordinateur : "
                    f"{measurement.warning}",
                )
            return redirect(context["back"])
    locked = (
        existing is not None
        and existing.status == MeasurementStatus.VALIDATED
        and not can_edit_council(role)
    )
    context |= {"form": form, "existing": existing, "locked": locked}
    return render(request, "steering/report_form.html", context)


@login_required
def values(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """Every indicator of the strategy by period, for the coordinator: what came in, what is
    missing, what waits for validation."""
    strategy = access_strategy(current_user(request), strategy_id, edit=True).obj
    today = timezone.localdate()
    action_uses: list[ActionIndicator] = list(
        ActionIndicator.objects.filter(action__objective__axis__strategy=strategy)
        .select_related("definition", "action__lead", "action__objective__axis__strategy")
        .order_by(
            "action__objective__axis__position",
            "action__objective__position",
            "action__position",
            "pk",
        )
    )
    objective_uses: list[ObjectiveIndicator] = list(
        ObjectiveIndicator.objects.filter(objective__axis__strategy=strategy)
        .select_related("definition", "commune", "objective__axis__strategy")
        .order_by("objective__axis__position", "objective__position", "pk")
    )
    # Survey-fed indicators take no reported value: their waves are on the tableau de bord.
    surveyed = [u for u in objective_uses if u.definition.from_survey]
    # Neither do context indicators bound to a context source (on the tableau de bord too).
    objective_uses = [
        u for u in objective_uses if not (u.definition.from_survey or u.definition.from_context)
    ]
    uses: list[ActionIndicator | ObjectiveIndicator] = [*objective_uses, *action_uses]
    for use in uses:
        strategy_of(use).council = strategy.council  # one council object, already loaded
    reported = [u for u in uses if u.definition.is_reported]
    slots = slots_of(reported, today)
    by_use: dict[tuple[str, int], dict[datetime.date, Slot]] = {}
    for slot in slots:
        by_use.setdefault((slot.kind, slot.use.pk), {})[slot.period_start] = slot
    observed = observatory_series([u for u in objective_uses if u.definition.from_observatory])
    tables = []
    for periodicity in (Periodicity.YEAR, Periodicity.QUARTER, Periodicity.MONTH):
        periods = reportable_periods(strategy, periodicity, today)
        rows = []
        for use in uses:
            cells: list[dict[str, Any]]
            if use.definition.periodicity != periodicity:
                continue
            if use.definition.from_observatory:
                years = {v.year: v for v in observed.get(use.pk, [])}
                cells = [{"observed": years.get(start.year)} for start in periods]
            else:
                mine = by_use.get((kind_of(use), use.pk), {})
                cells = [{"slot": mine.get(start)} for start in periods]
            rows.append({"use": use, "kind": kind_of(use), "cells": cells})
        if rows and periods:
            tables.append(
                {
                    "periodicity": periodicity,
                    "label": Periodicity(periodicity).label,
                    "periods": [period_label(p, periodicity) for p in periods],
                    "rows": rows,
                }
            )
    pending = sorted(
        (s for s in slots if s.measurement and s.measurement.status == "submitted"),
        key=lambda s: s.measurement.submitted_at if s.measurement else today,
    )
    return render(
        request,
        "steering/values.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "tables": tables,
            "pending": pending,
            "n_missing": sum(1 for s in slots if s.to_do),
            "n_overdue": sum(1 for s in slots if s.overdue),
            "reporting_open": strategy.status in REPORTING_STATUSES,
            "return_form": ReturnForm(),
            "surveyed": surveyed,
        },
    )


@login_required
def measurement(request: HttpRequest, measurement_id: int) -> HttpResponse:
    """A reported value with its history; the coordinator validates it or returns it."""
    user = current_user(request)
    granted = access_measurement(user, measurement_id, review=request.method == "POST")
    value = granted.obj
    use = value.use
    strategy = strategy_of(use)
    council = strategy.council
    form = ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "validate":
                validate(value, by=user)
                messages.success(request, "La valeur est validée.")
                if request.POST.get("next") == "valeurs":
                    return redirect(reverse("steering:values", args=[strategy.pk]))
                return redirect(reverse("steering:measurement", args=[value.pk]))
            if action == "return":
                form = ReturnForm(request.POST)
                if form.is_valid():
                    send_back(value, reason=form.cleaned_data["reason"], by=user)
                    messages.success(request, "La valeur est renvoyée au pilote avec le motif.")
                    return redirect(reverse("steering:values", args=[strategy.pk]))
            else:
                raise Http404
        except ReportingError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "steering/measurement.html",
        {
            "value": value,
            "use": use,
            "kind": kind_of(use),
            "strategy": strategy,
            "council": council,
            "label": period_label(value.period_start, use.definition.periodicity),
            "where": Slot(use, strategy, value.period_start, value, timezone.localdate()).where,
            "form": form,
            "can_review": granted.can_edit,
        },
    )


@login_required
def evidence(request: HttpRequest, measurement_id: int) -> FileResponse:
    value = access_measurement(current_user(request), measurement_id).obj
    if not value.evidence:
        raise Http404
    try:
        handle = value.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kind = detected_kind(handle)
    return FileResponse(
        handle,
        as_attachment=True,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
        filename=(value.evidence.name or "justificatif").rsplit("/", 1)[-1],
    )
