"""The council's diagnostic: page, sections, PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.context.summary import context_block
from stspd.councils.access import access_council
from stspd.councils.deletion import confirm_delete

from .access import access_section, access_territory
from .caveats import GENERAL
from .diagnostic import SectionView, open_diagnostic, section_views
from .figures import territory_figures
from .forms import DiagnosticSectionForm
from .models import Diagnostic, DiagnosticSection


def _context(council_id: int, request: HttpRequest) -> dict[str, object]:
    user = current_user(request)
    granted = access_council(user, council_id)
    council = granted.obj
    diagnostic = Diagnostic.objects.filter(council=council).first()
    context: dict[str, object] = {
        "council": council,
        "diagnostic": diagnostic,
        "can_edit": granted.can_edit,
    }
    if diagnostic is not None:
        territory = access_territory(user, "conseil", str(council.pk))
        figures = territory_figures(territory)
        sections = list(diagnostic.sections.select_related("indicator"))
        context |= {
            "territory": territory,
            "figures": figures,
            "sections": section_views(sections, figures),
            "context_block": context_block(
                territory.members, (territory.departement_code, territory.departement_name)
            ),
            "caveats": GENERAL,
        }
    return context


@login_required
def diagnostic(request: HttpRequest, council_id: int) -> HttpResponse:
    """GET shows the diagnostic; POST (coordinator) opens it with the default sections."""
    if request.method == "POST":
        council = access_council(current_user(request), council_id, edit=True).obj
        if not Diagnostic.objects.filter(council=council).exists():
            open_diagnostic(council, by=current_user(request))
            messages.success(request, "Le diagnostic est ouvert avec ses sections de départ.")
        return redirect("observatory:diagnostic", council.pk)
    context = _context(council_id, request)
    return render(request, "observatory/diagnostic.html", context)


@login_required
def diagnostic_pdf(request: HttpRequest, council_id: int) -> HttpResponse:
    # Heavy (WeasyPrint, matplotlib): loaded only when a PDF is asked for, not by every
    # command's system checks.
    from weasyprint import HTML

    from .charts import series_svg

    context = _context(council_id, request)
    if context["diagnostic"] is None:
        messages.error(request, "Ce conseil n'a pas encore de diagnostic.")
        return redirect("observatory:diagnostic", council_id)
    sections: list[SectionView] = context["sections"]  # type: ignore[assignment]  # the context is typed dict[str, object]; with a diagnostic, _context() puts section_views() there
    for view in sections:
        view.svg = series_svg(view.chart) if view.chart else ""
    context["today"] = timezone.localdate()
    html = render_to_string("observatory/diagnostic_pdf.html", context, request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="diagnostic-{council_id}.pdf"'
    return response


@login_required
def section_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access_council(user, council_id, edit=True).obj
    diagnostic = Diagnostic.objects.filter(council=council).first()
    if diagnostic is None:
        return redirect("observatory:diagnostic", council.pk)
    last = diagnostic.sections.order_by("-position").values_list("position", flat=True).first()
    form = DiagnosticSectionForm(
        request.POST or None,
        instance=DiagnosticSection(diagnostic=diagnostic),
        initial={"position": (last or 0) + 10},
    )
    if form.is_valid():
        with transaction.atomic():
            section = form.save()
            record(user, "created", section, council=council, changes=form_changes(form))
        return redirect(diagnostic)
    return render(
        request,
        "councils/form.html",
        {"form": form, "council": council, "title": "Nouvelle section du diagnostic"},
    )


@login_required
def section_edit(request: HttpRequest, section_id: int) -> HttpResponse:
    user = current_user(request)
    section = access_section(user, section_id, edit=True).obj
    council = section.diagnostic.council
    form = DiagnosticSectionForm(request.POST or None, instance=section)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(user, "updated", section, council=council, changes=form_changes(form))
        return redirect(section.diagnostic)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": council,
            "title": f"Modifier « {section.title} »",
            "delete_url": reverse("observatory:section_delete", args=[section.pk]),
        },
    )


@login_required
def section_delete(request: HttpRequest, section_id: int) -> HttpResponse:
    section = access_section(current_user(request), section_id, edit=True).obj
    url = section.diagnostic.get_absolute_url()
    return confirm_delete(
        request,
        section,
        council=section.diagnostic.council,
        cancel_url=url,
        done_url=url,
        context={"council": section.diagnostic.council},
    )
