"""The legal pages linked from every page's footer, and the register's export (core.legal)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .legal import accessibility_state, processings, register_csv, register_xlsx, site_identity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal_notice.html", {"identity": site_identity()})


@require_safe
def personal_data(request: HttpRequest) -> HttpResponse:
    context = {"identity": site_identity(), "processings": processings()}
    return render(request, "core/personal_data.html", context)


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {"identity": site_identity(), "accessibility": accessibility_state()}
    return render(request, "core/accessibility.html", context)


@login_required
def processing_register(request: HttpRequest, extension: str) -> HttpResponse:
    """The register of processing activities (RGPD art. 30), for the site admin: the operator
    hands it to the data protection officer of the councils it hosts."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if extension == "csv":
        response = HttpResponse(register_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(register_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="registre-des-traitements.{extension}"'
    return response
