"""A council's indicator fed by its residents' surveys (the coordinator creates it; the values
are read from the published waves by survey_series)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.councils.access import access_council
from stspd.indicators.enums import Direction, IndicatorKind
from stspd.indicators.models import IndicatorDefinition

from .survey_forms import SurveyIndicatorForm


@login_required
def survey_indicator_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access_council(user, council_id, edit=True).obj
    form = SurveyIndicatorForm(
        request.POST or None,
        instance=IndicatorDefinition(council=council),
        council=council,
        initial={
            "name": "Part des habitants qui se sentent en insécurité dans leur quartier",
            "kind": IndicatorKind.RESULT,
            "direction": Direction.DECREASE,
            "answers": ["insecurite_quartier:souvent", "insecurite_quartier:de_temps_en_temps"],
        },
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            definition = form.save()
            changes = {k: v for k, v in form_changes(form).items() if k != "answers"} | {
                "survey_question": ["", definition.survey_question],
                "survey_answers": ["", ", ".join(definition.survey_answers)],
                "unit": ["", definition.unit],
            }
            record(user, "created", definition, council=council, changes=changes)
        messages.success(
            request,
            f"L'indicateur « {definition.name} » est enregistré : choisissez-le pour un objectif "
            "de la stratégie, ses valeurs viendront des vagues publiées.",
        )
        return redirect(reverse("indicators:library", args=[council.pk]) + "#propres")
    return render(
        request,
        "steering/survey_indicator_form.html",
        {
            "form": form,
            "council": council,
            "title": "Nouvel indicateur tiré des enquêtes auprès des habitants",
            "no_question": not form.questions,
        },
    )
