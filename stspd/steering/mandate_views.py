"""The coordinator starts the next mandate's draft from a strategy in force (mandate.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from stspd.accounts.current import current_user
from stspd.strategy.access import access_strategy

from .mandate import MandateRefused, source_problem, start_new_mandate
from .mandate_forms import NewMandateForm


@login_required
def new_mandate(request: HttpRequest, strategy_id: int) -> HttpResponse:
    user = current_user(request)
    source = access_strategy(user, strategy_id, edit=True).obj
    refusal = source_problem(source)
    form = NewMandateForm(request.POST if request.method == "POST" else None, source=source)
    status = 200
    if request.method == "POST":
        status = 400
        if not refusal and form.is_valid():
            try:
                copied = start_new_mandate(
                    source,
                    title=form.cleaned_data["title"],
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    by=user,
                )
            except MandateRefused as exc:
                refusal = str(exc)
            else:
                kept = (
                    f" ; {copied.kept} sans valeur observée garde{'nt' if copied.kept > 1 else ''}"
                    " son ancienne valeur de référence"
                    if copied.kept
                    else ""
                )
                messages.success(
                    request,
                    f"Nouveau projet créé à partir de « {source.title} » : "
                    f"{copied.rebased} indicateur(s) de résultat repartent de leur dernière "
                    f"valeur observée{kept}. Relisez les cibles, les échéances et les fiches "
                    "action.",
                )
                return redirect(copied.strategy)
    return render(
        request,
        "steering/new_mandate.html",
        {"strategy": source, "council": source.council, "form": form, "refusal": refusal},
        status=status,
    )
