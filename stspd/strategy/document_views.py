"""The strategy's documents: the reading page, PDF, Word, JSON, and the action plan's
spreadsheet (export, and import by the coordinator while the strategy is editable).

`?version=N` shows frozen version N from its snapshot; without it, the working copy while the
strategy can change, the adopted version once it cannot.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from stspd.accounts.current import current_user
from stspd.core.ids import parse_id
from stspd.core.uploads import UploadRefused, check_upload
from stspd.observatory.access import access_territory
from stspd.observatory.figures import Figures, Territory, territory_figures

from .access import access_strategy, ensure_editable
from .documents.content import Source, load_source, prepare
from .documents.json_io import dumps
from .documents.pdf import render_pdf
from .documents.spreadsheet import (
    MAX_UPLOAD_BYTES,
    PlanRejected,
    SpreadsheetRefused,
    export_plan,
    import_plan,
)
from .documents.store import file_response, read, stored
from .documents.word import render_docx
from .enums import EDITABLE_STATUSES
from .models import Strategy, StrategyVersion
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
    context = {
        "strategy": strategy,
        "council": strategy.council,
        "doc": prepare(source, figures),
        "version": source.version,
        "versions": list(strategy.versions.order_by("-number")),
        "territory": territory,
        "query": query,
        "pdf": False,
        "can_import": granted.is_coordinator and strategy.status in EDITABLE_STATUSES,
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


@login_required
def plan_import(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """The coordinator sends the edited spreadsheet back: all of it applies, or nothing."""
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    ensure_editable(strategy)
    context: dict[str, object] = {
        "strategy": strategy,
        "council": strategy.council,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
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
                report = import_plan(strategy, upload.read(), by=user)
            except (UploadRefused, SpreadsheetRefused) as exc:
                context["refusal"] = str(exc)
            except PlanRejected as exc:
                context["errors"] = exc.errors
            else:
                messages.success(
                    request,
                    f"Plan d'action importé : {len(report.created)} action(s) créée(s), "
                    f"{len(report.updated)} modifiée(s), {len(report.deleted)} supprimée(s), "
                    f"{report.unchanged} inchangée(s).",
                )
                return redirect(reverse("strategy:document", args=[strategy.pk]))
        status = 400
    else:
        status = 200
    return render(request, "strategy/documents/plan_import.html", context, status=status)
