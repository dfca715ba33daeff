from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.councils.access import access_council
from stspd.councils.models import Council

from .access import access_definition
from .enums import IndicatorKind
from .forms import IndicatorDefinitionForm
from .library import library_for
from .models import IndicatorDefinition


@login_required
def library(request: HttpRequest, council_id: int) -> HttpResponse:
    """The entries the council picks from: the SSMSI series bound to the observatory, the
    common activity indicators, and the council's own."""
    granted = access_council(current_user(request), council_id)
    council = granted.obj
    entries = list(library_for(council))
    return render(
        request,
        "indicators/library.html",
        {
            "council": council,
            "observatory": [e for e in entries if e.council_id is None and e.from_observatory],
            "common": [e for e in entries if e.council_id is None and not e.from_observatory],
            "own": [e for e in entries if e.council_id is not None],
            "can_edit": granted.can_edit,
        },
    )


def save_definition(
    request: HttpRequest, form: IndicatorDefinitionForm, council: Council, title: str
) -> HttpResponse:
    if form.is_valid():
        user = current_user(request)
        with transaction.atomic():
            verb = "created" if form.instance._state.adding else "updated"
            definition = form.save()
            record(user, verb, definition, council=council, changes=form_changes(form))
        messages.success(request, f"L'indicateur « {definition.name} » est enregistré.")
        return redirect(reverse("indicators:library", args=[council.pk]) + "#propres")
    return render(
        request, "indicators/form.html", {"form": form, "council": council, "title": title}
    )


@login_required
def definition_add(request: HttpRequest, council_id: int) -> HttpResponse:
    council = access_council(current_user(request), council_id, edit=True).obj
    form = IndicatorDefinitionForm(
        request.POST or None,
        instance=IndicatorDefinition(council=council),
        initial={"kind": IndicatorKind.ACTIVITY},
    )
    return save_definition(request, form, council, "Nouvel indicateur du conseil")


@login_required
def definition_edit(request: HttpRequest, definition_id: int) -> HttpResponse:
    definition = access_definition(current_user(request), definition_id, edit=True).obj
    form = IndicatorDefinitionForm(request.POST or None, instance=definition)
    assert definition.council is not None
    return save_definition(
        request, form, definition.council, f"Modifier l'indicateur « {definition.name} »"
    )
