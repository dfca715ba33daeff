from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from crimestats.partner_files import ROLES, PartnerFileError, Table
from stspd.accounts.current import current_user
from stspd.audit.events import form_changes, record
from stspd.councils.access import access_council
from stspd.councils.deletion import confirm_delete

from . import workflow
from .access import access_indicator, access_source, access_upload
from .enums import SourceKind
from .forms import CategoriesForm, ColumnsForm, LocalIndicatorForm, SourceForm, UploadForm
from .models import Record, Source, Upload
from .tasks import pending_import, start_import
from .uploads import InMemoryOnly

PREVIEW_ROWS = 20
UNITS: dict[str, str] = {
    SourceKind.POLICE_LOGBOOK: "signalement",
    SourceKind.LANDLORD: "incident",
    SourceKind.TRANSPORT: "incident",
    SourceKind.SCHOOL: "incident",
    SourceKind.MEDIATION: "médiation",
}


@login_required
def source_list(request: HttpRequest, council_id: int) -> HttpResponse:
    granted = access_council(current_user(request), council_id)
    council = granted.obj
    sources = (
        council.partner_sources.select_related("organisation")
        .annotate(uploads_count=Count("uploads", distinct=True))
        .order_by("name")
    )
    indicators = council.partner_indicators.annotate(total=Sum("records__count"))
    return render(
        request,
        "partnerdata/source_list.html",
        {
            "council": council,
            "sources": sources,
            "indicators": indicators,
            "can_edit": granted.can_edit,
        },
    )


@login_required
def source_create(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access_council(user, council_id, edit=True).obj
    form = SourceForm(request.POST or None, instance=Source(council=council))
    if form.is_valid():
        with transaction.atomic():
            source = form.save()
            record(user, "created", source, council=council, changes=form_changes(form))
        messages.success(request, f"La source « {source} » est créée : déposez son fichier.")
        return redirect("partnerdata:upload_create", source.pk)
    return render(
        request,
        "partnerdata/form.html",
        {"form": form, "council": council, "title": "Nouvelle source de données"},
    )


@login_required
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    user = current_user(request)
    source = access_source(user, source_id, edit=True).obj
    form = SourceForm(request.POST or None, instance=source)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(user, "updated", source, council=source.council, changes=form_changes(form))
        messages.success(request, "La source est enregistrée.")
        return redirect(source)
    return render(
        request,
        "partnerdata/form.html",
        {"form": form, "council": source.council, "source": source, "title": "Modifier la source"},
    )


@login_required
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """Rename a local indicator or change its unit; its facts keep pointing to it."""
    user = current_user(request)
    indicator = access_indicator(user, indicator_id, edit=True).obj
    form = LocalIndicatorForm(request.POST or None, instance=indicator)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                user, "updated", indicator, council=indicator.council, changes=form_changes(form)
            )
        messages.success(request, "L'indicateur local est enregistré.")
        return redirect("partnerdata:sources", indicator.council.pk)
    return render(
        request,
        "partnerdata/form.html",
        {"form": form, "council": indicator.council, "title": "Modifier l'indicateur local"},
    )


@login_required
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    granted = access_source(current_user(request), source_id)
    source = granted.obj
    council = source.council
    labels = dict(council.partner_indicators.values_list("pk", "label"))
    categories = [
        (category, labels.get(target) if target is not None else None)
        for category, target in sorted(source.mapping.get("categories", {}).items())
    ]
    columns = [(ROLES[r], h) for r, h in source.mapping.get("columns", {}).items() if r in ROLES]
    return render(
        request,
        "partnerdata/source_detail.html",
        {
            "council": council,
            "source": source,
            "uploads": source.uploads.select_related("uploaded_by"),
            "columns": columns,
            "categories": categories,
            "can_edit": granted.can_edit,
        },
    )


@login_required
@csrf_exempt  # checked by upload_form once the upload handler is set, as Django's docs advise
def upload_create(request: HttpRequest, source_id: int) -> HttpResponse:
    handler = InMemoryOnly(request)
    request.upload_handlers = [handler]
    return upload_form(request, source_id, handler)


@csrf_protect
def upload_form(request: HttpRequest, source_id: int, handler: InMemoryOnly) -> HttpResponse:
    user = current_user(request)
    source = access_source(user, source_id, edit=True).obj
    form = UploadForm(request.POST or None, request.FILES or None)
    valid = form.is_valid()
    if handler.too_large and request.method == "POST":
        # No file was kept: say why rather than "this field is required".
        form.errors["file"] = form.error_class(
            [
                f"Le fichier dépasse {workflow.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo : "
                "découpez-le par mois."
            ]
        )
    elif valid:
        file = form.cleaned_data["file"]
        try:
            upload = workflow.stage_upload(
                source,
                file_name=file.name,
                data=file.read(),
                by=user,
                sheet=form.cleaned_data["sheet"] or None,
            )
        except workflow.UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("partnerdata:upload_columns", upload.pk)
    return render(
        request,
        "partnerdata/upload_form.html",
        {"form": form, "council": source.council, "source": source},
    )


def staged_or_report(upload: Upload) -> HttpResponse | None:
    """An imported upload has no more cells to map: its report is shown instead."""
    if upload.is_imported or upload.table is None:
        return redirect(upload)
    return None


@login_required
def upload_columns(request: HttpRequest, upload_id: int) -> HttpResponse:
    user = current_user(request)
    upload = access_upload(user, upload_id, edit=True).obj
    if (done := staged_or_report(upload)) is not None:
        return done
    table = Table.from_json(upload.table or {})
    form = ColumnsForm(
        request.POST or None, table=table, initial_roles=upload.mapping.get("columns", {})
    )
    if form.is_valid():
        workflow.save_columns(upload, form.roles, by=user)
        return redirect("partnerdata:upload_categories", upload.pk)
    return render(
        request,
        "partnerdata/upload_columns.html",
        {
            "form": form,
            "council": upload.source.council,
            "source": upload.source,
            "upload": upload,
            "table": table,
            "missing": workflow.missing_columns(upload.source, table),
        },
    )


@login_required
def upload_categories(request: HttpRequest, upload_id: int) -> HttpResponse:
    user = current_user(request)
    upload = access_upload(user, upload_id, edit=True).obj
    if (done := staged_or_report(upload)) is not None:
        return done
    if workflow.column_mapping(upload) is None:
        return redirect("partnerdata:upload_columns", upload.pk)
    council = upload.source.council
    form = CategoriesForm(
        # A file whose category cells are all empty posts no field: still a submitted form.
        request.POST if request.method == "POST" else None,
        categories=workflow.distinct_categories(upload),
        indicators=list(council.partner_indicators.all()),
        saved=workflow.category_targets(upload),
    )
    if form.is_valid():
        created = workflow.save_categories(
            upload, form.choices(), unit=UNITS.get(upload.source.kind, "fait"), by=user
        )
        if created:
            messages.success(
                request,
                "Indicateurs locaux créés : " + ", ".join(i.label for i in created) + ".",
            )
        return redirect("partnerdata:upload_preview", upload.pk)
    return render(
        request,
        "partnerdata/upload_categories.html",
        {"form": form, "council": council, "source": upload.source, "upload": upload},
    )


@login_required
def upload_preview(request: HttpRequest, upload_id: int) -> HttpResponse:
    """GET: every row checked, nothing written. POST: the import, all rows or none."""
    user = current_user(request)
    upload = access_upload(user, upload_id, edit=True).obj
    if (done := staged_or_report(upload)) is not None:
        return done
    if workflow.column_mapping(upload) is None:
        return redirect("partnerdata:upload_columns", upload.pk)
    if request.method == "POST":
        # A background task (stspd/jobs): its page shows the progress, then the report or the
        # rows at fault.
        return redirect(start_import(upload, by=user))
    try:
        validation = workflow.check_upload(upload)
    except PartnerFileError as exc:
        messages.error(request, str(exc))
        return redirect("partnerdata:upload_columns", upload.pk)
    table = Table.from_json(upload.table or {})
    columns = upload.mapping.get("columns", {})
    shown = [(ROLES[role], table.headers.index(header)) for role, header in columns.items()]
    rows = [
        (line, [cells[index] for _, index in shown]) for line, cells in table.rows[:PREVIEW_ROWS]
    ]
    return render(
        request,
        "partnerdata/upload_preview.html",
        {
            "council": upload.source.council,
            "source": upload.source,
            "upload": upload,
            "validation": validation,
            "job": pending_import(upload),
            "headings": [f"{role} ({table.headers[index]})" for role, index in shown],
            "rows": rows,
            "preview_rows": PREVIEW_ROWS,
        },
    )


@login_required
def upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    granted = access_upload(current_user(request), upload_id)
    upload = granted.obj
    council = upload.source.council
    by_indicator = (
        Record.objects.filter(upload=upload)
        .values("indicator__label", "indicator__unit")
        .annotate(total=Sum("count"))
        .order_by("indicator__label")
    )
    by_commune = (
        Record.objects.filter(upload=upload)
        .values("commune__name")
        .annotate(total=Sum("count"))
        .order_by("-total", "commune__name")
    )
    return render(
        request,
        "partnerdata/upload_detail.html",
        {
            "council": council,
            "source": upload.source,
            "upload": upload,
            "by_indicator": by_indicator,
            "by_commune": by_commune,
            "can_edit": granted.can_edit,
        },
    )


@login_required
def upload_delete(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = access_upload(current_user(request), upload_id, edit=True).obj
    url = upload.source.get_absolute_url()
    return confirm_delete(
        request,
        upload,
        council=upload.source.council,
        cancel_url=reverse("partnerdata:upload", args=[upload.pk]),
        done_url=url,
        context={"council": upload.source.council},
    )
