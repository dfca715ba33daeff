"""The public portal: no login, only what the councils made public (see portal.py)."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from stspd.evaluation.models import PublishedReport
from stspd.strategy.documents.pdf import render_pdf

from . import opendata
from .portal import (
    caveats,
    last_change,
    map_data,
    pdf_figures,
    public_document,
    public_meetings,
    public_results,
    publication,
    publications,
)

logger = logging.getLogger(__name__)

CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    pubs = publications(query)
    context = {"pubs": pubs, "query": query, "map": map_data(pubs)}
    return render(request, "public/index.html", context)


@require_safe
def council(request: HttpRequest, council_id: int) -> HttpResponse:
    pub = publication(council_id)
    results = public_results(pub)
    context = {
        "pub": pub,
        "council": pub.council,
        "doc": public_document(pub),
        "results": results,
        "charts": {str(row.use.pk): row.chart() for row in results},
        "caveats": caveats(results),
        "meetings": public_meetings(pub.council),
        "signed": pub.strategy.signatures.filter(version_number=pub.version).exists(),
        "reports": PublishedReport.objects.filter(strategy=pub.strategy),
    }
    return render(request, "public/council.html", context)


@require_safe
def strategy_pdf(request: HttpRequest, council_id: int) -> HttpResponse:
    pub = publication(council_id)
    territory, figures = pdf_figures(pub)
    pdf = render_pdf(pub.source, territory, figures)
    return _download(pdf, "application/pdf", f"strategie-{pub.council.pk}-v{pub.version}.pdf")


@require_safe
def annual_report(request: HttpRequest, council_id: int, year: int) -> HttpResponse:
    """An annual review the coordinator published (its public version, frozen then)."""
    pub = publication(council_id)
    report = get_object_or_404(PublishedReport, strategy=pub.strategy, year=year)
    try:
        with report.pdf.open("rb") as file:  # a few hundred kilobytes
            content = file.read()
    except FileNotFoundError:
        logger.error("Published report %s: file %s missing", report.pk, report.pdf.name)
        raise Http404 from None
    return _download(content, "application/pdf", f"bilan-{year}-{pub.council.pk}.pdf")


@require_safe
def indicators_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    pub = publication(council_id)
    text = opendata.indicators_csv(pub, public_results(pub))
    return _download(text, CSV, f"indicateurs-{opendata.territory_code(pub)}.csv")


@require_safe
def indicators_json(request: HttpRequest, council_id: int) -> HttpResponse:
    pub = publication(council_id)
    text = opendata.indicators_json(pub, public_results(pub))
    return _download(text, JSON, f"indicateurs-{opendata.territory_code(pub)}.json")


@require_safe
def strategy_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    pub = publication(council_id)
    return _download(
        opendata.strategy_csv(pub), CSV, f"strategie-{opendata.territory_code(pub)}.csv"
    )


@require_safe
def strategy_json(request: HttpRequest, council_id: int) -> HttpResponse:
    pub = publication(council_id)
    return _download(
        opendata.strategy_json(pub), JSON, f"strategie-{opendata.territory_code(pub)}.json"
    )


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    pubs = publications()
    base = f"{request.scheme}://{request.get_host()}"
    modified = {pub.council.pk: last_change(pub) for pub in pubs}
    response = HttpResponse(
        opendata.catalogue(pubs, base, modified), content_type="application/ld+json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
