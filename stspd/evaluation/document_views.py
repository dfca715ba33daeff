"""The strategy's funds page and exports, its evaluation reports (annual review, final
evaluation) and the evaluation sheet of a fiche action. Any role of the council reads them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from stspd.accounts.current import current_user
from stspd.core.cache import cached
from stspd.core.ids import parse_id
from stspd.funding.summary import strategy_grants
from stspd.strategy.access import access_action, access_strategy
from stspd.strategy.enums import Funder
from stspd.strategy.numbering import numbered_tree
from stspd.strategy.views import number_of

from .funds import funder_csv, funder_xlsx, strategy_funds
from .models import Appraisal, PublishedReport
from .publishing import PublishingError, publish_annual, withdraw_annual
from .reports import action_sheet_pdf, build_report, report_docx, report_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _funder(code: str) -> str:
    if code not in Funder.values:
        raise Http404("Financeur inconnu.")
    return code


@login_required
def funds(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    return render(
        request,
        "evaluation/funds.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "funds": strategy_funds(strategy),
            # The State's grants as the funding room records them (no copy kept here).
            "grants": strategy_grants(strategy, timezone.localdate()),
        },
    )


@login_required
def funds_xlsx(request: HttpRequest, strategy_id: int, funder: str) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    code = _funder(funder)
    content = funder_xlsx(strategy_funds(strategy), code)
    return _download(content, XLSX, f"financements-{code}-strategie-{strategy.pk}.xlsx")


@login_required
def funds_csv(request: HttpRequest, strategy_id: int, funder: str) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    code = _funder(funder)
    content = funder_csv(strategy_funds(strategy), code)
    return _download(
        content, "text/csv; charset=utf-8", f"financements-{code}-strategie-{strategy.pk}.csv"
    )


def _year(strategy_year: int, first: int, last: int) -> int:
    if not first <= strategy_year <= last:
        raise Http404("Cette année n'est pas dans la période de la stratégie.")
    return strategy_year


@login_required
def reports(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """The list of the strategy's evaluation documents and its objectives' evaluation pages."""
    granted = access_strategy(current_user(request), strategy_id)
    strategy = granted.obj
    objectives = [
        (node.number, node.element)
        for axis in numbered_tree(
            strategy.axes.prefetch_related("objectives"), actions=lambda objective: ()
        )
        for node in axis.children
    ]
    counts = {
        "objectives": Appraisal.objects.validated()
        .filter(objective__axis__strategy=strategy)
        .count(),
        "actions": Appraisal.objects.validated()
        .filter(action__objective__axis__strategy=strategy)
        .count(),
    }
    published = {r.year: r for r in PublishedReport.objects.filter(strategy=strategy)}
    return render(
        request,
        "evaluation/reports.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "years": [
                (year, published.get(year))
                for year in range(strategy.starts_on.year, strategy.ends_on.year + 1)
            ],
            "objectives": objectives,
            "counts": counts,
            "can_publish": granted.can_edit,
        },
    )


@login_required
def summary(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """The elected official's page: the reports' plain summary, live (the period to date, or
    one year's with ?annee=), readable by every role of the council."""
    strategy = access_strategy(current_user(request), strategy_id).obj
    first, last = strategy.starts_on.year, strategy.ends_on.year
    today = timezone.localdate()
    year = parse_id(request.GET.get("annee"))
    if year is not None:
        year = _year(year, first, min(last, today.year))

    def body() -> str:
        report = build_report(strategy, year)
        return render_to_string(
            "evaluation/_summary_page_body.html", {"report": report, "summary": report.summary}
        )

    return render(
        request,
        "evaluation/summary.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "year": year,
            "years": list(range(first, min(last, today.year) + 1)),
            "body": mark_safe(cached("evaluation:summary", (strategy.pk, year), body)),
        },
    )


@login_required
def annual_pdf(request: HttpRequest, strategy_id: int, year: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    year = _year(year, strategy.starts_on.year, strategy.ends_on.year)
    # ?version=publique: the version the portal would publish (public indicators only).
    public = request.GET.get("version") == "publique"
    report = build_report(strategy, year, public=public)
    suffix = "-version-publique" if public else ""
    return _download(report_pdf(report), "application/pdf", f"{report.filename}{suffix}.pdf")


@login_required
def publish(request: HttpRequest, strategy_id: int, year: int) -> HttpResponse:
    """The coordinator publishes the review of `year` on the portal (or publishes it again)."""
    strategy = access_strategy(current_user(request), strategy_id, edit=True).obj
    year = _year(year, strategy.starts_on.year, strategy.ends_on.year)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        publish_annual(strategy, year, by=current_user(request))
    except PublishingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Le bilan {year} est publié sur le portail public.")
    return redirect("evaluation:reports", strategy.pk)


@login_required
def withdraw(request: HttpRequest, strategy_id: int, year: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id, edit=True).obj
    year = _year(year, strategy.starts_on.year, strategy.ends_on.year)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    withdraw_annual(strategy, year, by=current_user(request))
    messages.success(request, f"Le bilan {year} est retiré du portail public.")
    return redirect("evaluation:reports", strategy.pk)


@login_required
def annual_docx(request: HttpRequest, strategy_id: int, year: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    year = _year(year, strategy.starts_on.year, strategy.ends_on.year)
    report = build_report(strategy, year)
    return _download(report_docx(report), DOCX, f"{report.filename}.docx")


@login_required
def final_pdf(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    report = build_report(strategy)
    return _download(report_pdf(report), "application/pdf", f"{report.filename}.pdf")


@login_required
def final_docx(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = access_strategy(current_user(request), strategy_id).obj
    report = build_report(strategy)
    return _download(report_docx(report), DOCX, f"{report.filename}.docx")


@login_required
def action_sheet(request: HttpRequest, action_id: int) -> HttpResponse:
    """The evaluation sheet a funder asks before renewing the action's funding."""
    action = access_action(current_user(request), action_id).obj
    number = number_of(action.objective, action)
    return _download(
        action_sheet_pdf(action, number), "application/pdf", f"fiche-evaluation-{number}.pdf"
    )
