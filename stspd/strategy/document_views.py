"""The strategy's documents: the reading page, PDF, Word, JSON, and the action plan's
spreadsheet (export, and import by the coordinator while the strategy is editable).

`?version=N` shows frozen version N from its snapshot; without it, the working copy while the
strategy can change, the adopted version once it cannot.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from stspd.accounts.current import current_user
from stspd.core.ids import parse_id
from stspd.core.uploads import UploadRefused, check_upload
from stspd.observatory.access import access_territory
from stspd.observatory.figures import Figures, Territory, territory_figures

from .access import access_strategy, ensure_editable
from .diff import compare
from .documents.content import Source, load_source, prepare
from .documents.json_io import dumps
from .documents.pdf import render_pdf
from .documents.spreadsheet import (
    MAX_UPLOAD_BYTES,
    PlanRejected,
    SpreadsheetRefused,
    export_plan,
)
from .documents.store import file_response, read, stored
from .documents.word import render_docx
from .enums import EDITABLE_STATUSES
from .models import PlanImport, Strategy, StrategyVersion
from .plan_imports import (
    ConfirmationNeeded,
    ImportRefused,
    apply_import,
    kept_content,
    preview,
    report_text,
    revert_import,
    undo_problem,
)
from .snapshot import snapshot
from .workflow import adopted_version_number, has_been_adopted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _source(request: HttpRequest, strategy: Strategy) -> Source:
    raw = request.GET.get("version", "")
    number = parse_id(raw) if raw else None
    if raw and number is None:
        raise Http404
    if number is None and strategy.status not in EDITABLE_STATUSES and has_been_adopted(strategy):
        # Adopted, deliberated, signed, in force: the document people ask for is the adopted
        # version, with its deliberation and signatures (the working copy is that same text).
        number = adopted_version_number(strategy)
    try:
        return load_source(strategy, number)
    except StrategyVersion.DoesNotExist as exc:
        raise Http404 from exc


def _figures(request: HttpRequest, source: Source) -> tuple[Territory, Figures | None]:
    territory = access_territory(current_user(request), "conseil", str(source.strategy.council_id))
    diagnostic = source.data.get("diagnostic") or {}
    embeds = any(section["indicator"] for section in diagnostic.get("sections", []))
    return territory, territory_figures(territory) if embeds else None


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def document(request: HttpRequest, strategy_id: int) -> HttpResponse:
    granted = access_strategy(current_user(request), strategy_id)
    strategy = granted.obj
    source = _source(request, strategy)
    territory, figures = _figures(request, source)
    query = f"?version={source.version.number}" if source.version else ""
    can_import = granted.can_edit and strategy.status in EDITABLE_STATUSES
    context = {
        "strategy": strategy,
        "council": strategy.council,
        "doc": prepare(source, figures),
        "version": source.version,
        "versions": list(strategy.versions.order_by("-number")),
        "territory": territory,
        "query": query,
        "pdf": False,
        "can_import": can_import,
        "last_import": (
            strategy.plan_imports.filter(applied_at__isnull=False, reverted_at__isnull=True)
            .order_by("-applied_at", "-pk")
            .first()
            if can_import
            else None
        ),
    }
    return render(request, "strategy/documents/document.html", context)


@login_required
def document_pdf(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """Rendered once per content (documents/store.py): a frozen version's is kept, the working
    copy's until the draft changes."""
    strategy = access_strategy(current_user(request), strategy_id).obj
    source = _source(request, strategy)

    def render() -> bytes:
        return render_pdf(source, *_figures(request, source))

    document = stored(source, "pdf", "pdf", render)
    return file_response(
        request,
        lambda: read(document),
        document.sha256,
        "application/pdf",
        f"strategie-{source.suffix}.pdf",
        public=False,
    )


@login_required
def document_docx(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    source = _source(request, strategy)
    document = stored(source, "docx", "docx", lambda: render_docx(source))
    return file_response(
        request,
        lambda: read(document),
        document.sha256,
        DOCX,
        f"strategie-{source.suffix}.docx",
        public=False,
    )


@login_required
def document_json(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    source = _source(request, strategy)
    return _download(
        dumps(source.data), "application/json; charset=utf-8", f"strategie-{source.suffix}.json"
    )


@login_required
def plan_xlsx(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    source = _source(request, strategy)
    return _download(export_plan(source.data), XLSX, f"plan-action-{source.suffix}.xlsx")


def _import_of(request: HttpRequest, strategy_id: int, import_id: int) -> PlanImport:
    """The coordinator's import of this strategy (404 for another strategy's)."""
    strategy = access_strategy(current_user(request), strategy_id, edit=True).obj
    return get_object_or_404(
        PlanImport.objects.select_related("strategy__council", "applied_by", "reverted_by"),
        pk=import_id,
        strategy=strategy,
    )


@login_required
def plan_import(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """The coordinator sends the edited spreadsheet back: it is checked whole, then previewed
    (plan_imports.py); nothing changes before the preview is confirmed."""
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    ensure_editable(strategy)
    context: dict[str, object] = {
        "strategy": strategy,
        "council": strategy.council,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        "imports": strategy.plan_imports.select_related("created_by", "applied_by")[:10],
    }
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            context["refusal"] = "Choisissez le classeur .xlsx à importer."
        else:
            try:
                # The project's one upload check (type by name and content, size, zip bomb),
                # then the action plan's own stricter limits when the workbook is read.
                check_upload(upload, kinds=("xlsx",), max_bytes=MAX_UPLOAD_BYTES)
                content = upload.read()
                preview(strategy, content)
            except (UploadRefused, SpreadsheetRefused) as exc:
                context["refusal"] = str(exc)
            except PlanRejected as exc:
                context["errors"] = exc.errors
            else:
                # A preview never applied is superseded by the new file (it kept a workbook).
                strategy.plan_imports.filter(applied_at__isnull=True).delete()
                plan_import = PlanImport.objects.create(
                    strategy=strategy,
                    filename=(upload.name or "plan-action.xlsx")[:200],
                    content=content,
                    created_by=user,
                )
                return redirect(plan_import)
        status = 400
    else:
        status = 200
    return render(request, "strategy/documents/plan_import.html", context, status=status)


@login_required
def plan_import_detail(request: HttpRequest, strategy_id: int, import_id: int) -> HttpResponse:
    """Before it is applied: the preview, element by element, and the form that applies it (a
    deletion of fiches action asks for a confirmation). After: what became of it, and the undo."""
    user = current_user(request)
    plan_import = _import_of(request, strategy_id, import_id)
    strategy = plan_import.strategy
    context: dict[str, Any] = {
        "strategy": strategy,
        "council": strategy.council,
        "plan_import": plan_import,
    }
    status = 200
    if plan_import.applied_at is not None:
        context["undo_problem"] = undo_problem(plan_import)
        return render(request, "strategy/documents/plan_import_detail.html", context)
    ensure_editable(strategy)
    if request.method == "POST":
        try:
            report, count = apply_import(
                plan_import,
                basis=request.POST.get("basis", ""),
                confirmed=request.POST.get("confirmer") == "oui",
                by=user,
            )
        except ConfirmationNeeded as exc:
            context["confirmation_error"] = str(exc)
            status = 400
        except (ImportRefused, SpreadsheetRefused) as exc:
            context["refusal"] = str(exc)
            status = 400
        except PlanRejected as exc:
            context["errors"] = exc.errors
            status = 400
        else:
            messages.success(
                request,
                f"Plan d'action importé : {report_text(report)} ; "
                f"{count} élément{'s' if count > 1 else ''} modifié{'s' if count > 1 else ''} "
                "en tout. "
                "Vous pouvez annuler cet import tant que la stratégie n'a pas changé.",
            )
            return redirect(plan_import)
    try:
        context["preview"] = preview(strategy, bytes(plan_import.content))
    except SpreadsheetRefused as exc:
        context["refusal"] = str(exc)
        status = 400
    except PlanRejected as exc:
        # The draft changed since the file was sent (an objective deleted...).
        context["errors"] = exc.errors
        status = 400
    return render(request, "strategy/documents/plan_import_detail.html", context, status=status)


@login_required
def plan_import_undo(request: HttpRequest, strategy_id: int, import_id: int) -> HttpResponse:
    """Undo the last import: the page shows what coming back means, the POST restores."""
    user = current_user(request)
    plan_import = _import_of(request, strategy_id, import_id)
    strategy = plan_import.strategy
    problem = undo_problem(plan_import)
    status = 200
    if request.method == "POST" and not problem:
        try:
            revert_import(plan_import, by=user)
        except (ImportRefused, SpreadsheetRefused) as exc:
            problem = str(exc)
        else:
            messages.success(
                request, "Import annulé : le projet est revenu à son état d'avant l'import."
            )
            return redirect(reverse("strategy:document", args=[strategy.pk]))
    if request.method == "POST":
        status = 400
    changes = []
    if not problem:
        current = snapshot(strategy.pk)
        changes = compare(current, kept_content(plan_import, current))
    return render(
        request,
        "strategy/documents/plan_import_undo.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "plan_import": plan_import,
            "problem": problem,
            "changes": changes,
        },
        status=status,
    )
