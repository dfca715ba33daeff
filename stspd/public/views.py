"""The public portal: no login, only what the councils made public (see portal.py)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from stspd.core.cache import public_page
from stspd.evaluation.models import PublishedReport
from stspd.strategy.documents.pdf import render_pdf
from stspd.strategy.documents.store import file_response, read, stored

from . import opendata
from .funds import public_funds
from .portal import (
    Publication,
    caveats,
    council_publications,
    current_publication,
    last_change,
    map_data,
    pdf_figures,
    periods,
    public_document,
    public_meetings,
    public_results,
    publication,
    publications,
    strategy_publication,
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
@public_page
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    pubs = publications(query)
    context = {"pubs": pubs, "query": query, "map": map_data(pubs)}
    return render(request, "public/index.html", context)


def _strategy_context(pub: Publication, pubs: list[Publication]) -> dict[str, Any]:
    results = public_results(pub)
    return {
        "pub": pub,
        "council": pub.council,
        "doc": public_document(pub),
        "results": results,
        "charts": {str(row.use.pk): row.chart() for row in results},
        "caveats": caveats(results),
        "signed": bool(pub.adopted.signatures),
        "reports": PublishedReport.objects.filter(strategy=pub.strategy),
        "period": periods(pubs)[pub.strategy.pk],
    }


@require_safe
@public_page
def council(request: HttpRequest, council_id: int) -> HttpResponse:
    """The council's page: every strategy it adopted, with its period, then the current one in
    full (its own stable page holds the same), and the plenary's meetings."""
    pubs = council_publications(council_id)
    pub = current_publication(pubs)
    period = periods(pubs)
    context = _strategy_context(pub, pubs) | {
        "strategies": [(other, period[other.strategy.pk]) for other in pubs],
        "meetings": public_meetings(pub.council),
        "on_council_page": True,
    }
    return render(request, "public/council.html", context)


@require_safe
@public_page
def strategy_page(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    """One adopted strategy at its stable address, whatever the council adopts later."""
    pubs = council_publications(council_id)
    pub = next((pub for pub in pubs if pub.strategy.pk == strategy_id), None)
    if pub is None:
        raise Http404("Cette stratégie n'a pas été adoptée par ce conseil.")
    return render(request, "public/council.html", _strategy_context(pub, pubs))


def _public_file(
    request: HttpRequest, content: Callable[[], bytes], sha256: str, filename: str
) -> HttpResponse:
    response = file_response(request, content, sha256, "application/pdf", filename, public=True)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _strategy_pdf(request: HttpRequest, pub: Publication) -> HttpResponse:
    """The adopted version's public document, rendered at its first request and kept
    (strategy/documents/store.py): later requests read the file, or answer 304."""

    def render() -> bytes:
        territory, figures = pdf_figures(pub)
        return render_pdf(pub.source, territory, figures)

    # What the document is made from is the adopted version's records (store.basis): no need
    # for the public copy of its content unless it is rendered now.
    document = stored(pub.adopted, "public_pdf", "pdf", render)
    filename = f"strategie-{pub.council.pk}-v{pub.version}.pdf"
    return _public_file(request, lambda: read(document), document.sha256, filename)


def _annual_report(request: HttpRequest, pub: Publication, report: PublishedReport) -> HttpResponse:
    """The review's PDF frozen when published, with its SHA-256 as ETag."""

    def content() -> bytes:
        try:
            with report.pdf.open("rb") as file:  # a few hundred kilobytes
                return file.read()  # type: ignore[no-any-return]  # opened "rb": bytes
        except FileNotFoundError:
            logger.error("Published report %s: file %s missing", report.pk, report.pdf.name)
            raise Http404 from None

    if not report.sha256:  # published before the hash was kept
        report.sha256 = hashlib.sha256(content()).hexdigest()
        report.save(update_fields=["sha256"])
    filename = f"bilan-{report.year}-{pub.council.pk}.pdf"
    return _public_file(request, content, report.sha256, filename)


def _indicators_csv(pub: Publication) -> HttpResponse:
    text = opendata.indicators_csv(pub, public_results(pub))
    return _download(text, CSV, f"indicateurs-{opendata.file_suffix(pub)}.csv")


def _indicators_json(pub: Publication) -> HttpResponse:
    text = opendata.indicators_json(pub, public_results(pub))
    return _download(text, JSON, f"indicateurs-{opendata.file_suffix(pub)}.json")


def _strategy_csv(pub: Publication) -> HttpResponse:
    return _download(opendata.strategy_csv(pub), CSV, f"strategie-{opendata.file_suffix(pub)}.csv")


def _strategy_json(pub: Publication) -> HttpResponse:
    return _download(
        opendata.strategy_json(pub), JSON, f"strategie-{opendata.file_suffix(pub)}.json"
    )


# The council's historical addresses: its current strategy (in force, else the last one).


@require_safe
def strategy_pdf(request: HttpRequest, council_id: int) -> HttpResponse:
    return _strategy_pdf(request, publication(council_id))


@require_safe
def annual_report(request: HttpRequest, council_id: int, year: int) -> HttpResponse:
    """An annual review the coordinator published (its public version, frozen then): the
    current strategy's, else the latest strategy's that has one for that year (so that the
    address published before a new strategy was adopted still answers)."""
    pubs = council_publications(council_id)
    current = current_publication(pubs)
    candidates = sorted(
        pubs, key=lambda pub: (pub is not current, -pub.starts_on.toordinal(), -pub.strategy.pk)
    )
    for pub in candidates:
        report = PublishedReport.objects.filter(strategy=pub.strategy, year=year).first()
        if report is not None:
            return _annual_report(request, pub, report)
    raise Http404


@require_safe
@public_page
def indicators_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    return _indicators_csv(publication(council_id))


@require_safe
@public_page
def indicators_json(request: HttpRequest, council_id: int) -> HttpResponse:
    return _indicators_json(publication(council_id))


@require_safe
@public_page
def strategy_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    return _strategy_csv(publication(council_id))


@require_safe
@public_page
def strategy_json(request: HttpRequest, council_id: int) -> HttpResponse:
    return _strategy_json(publication(council_id))


# The stable addresses of one strategy (its id in the address).


@require_safe
def archive_pdf(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    return _strategy_pdf(request, strategy_publication(council_id, strategy_id))


@require_safe
def archive_report(
    request: HttpRequest, council_id: int, strategy_id: int, year: int
) -> HttpResponse:
    pub = strategy_publication(council_id, strategy_id)
    report = get_object_or_404(PublishedReport, strategy=pub.strategy, year=year)
    return _annual_report(request, pub, report)


@require_safe
@public_page
def archive_indicators_csv(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    return _indicators_csv(strategy_publication(council_id, strategy_id))


@require_safe
@public_page
def archive_indicators_json(
    request: HttpRequest, council_id: int, strategy_id: int
) -> HttpResponse:
    return _indicators_json(strategy_publication(council_id, strategy_id))


@require_safe
@public_page
def archive_strategy_csv(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    return _strategy_csv(strategy_publication(council_id, strategy_id))


@require_safe
@public_page
def archive_strategy_json(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    return _strategy_json(strategy_publication(council_id, strategy_id))


# The funds of one strategy: its page, CSV and JSON (the current strategy's, and at the
# strategy's stable address).


def _funds_page(request: HttpRequest, pub: Publication, pubs: list[Publication]) -> HttpResponse:
    context = {
        "pub": pub,
        "council": pub.council,
        "funds": public_funds(pub, timezone.localdate()),
        "period": periods(pubs)[pub.strategy.pk],
    }
    return render(request, "public/funds.html", context)


def _funds_csv(pub: Publication) -> HttpResponse:
    text = opendata.funds_csv(public_funds(pub, timezone.localdate()))
    return _download(text, CSV, f"financements-{opendata.file_suffix(pub)}.csv")


def _funds_json(pub: Publication) -> HttpResponse:
    text = opendata.funds_json(public_funds(pub, timezone.localdate()))
    return _download(text, JSON, f"financements-{opendata.file_suffix(pub)}.json")


@require_safe
@public_page
def funds(request: HttpRequest, council_id: int) -> HttpResponse:
    pubs = council_publications(council_id)
    return _funds_page(request, current_publication(pubs), pubs)


@require_safe
@public_page
def funds_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    return _funds_csv(publication(council_id))


@require_safe
@public_page
def funds_json(request: HttpRequest, council_id: int) -> HttpResponse:
    return _funds_json(publication(council_id))


@require_safe
@public_page
def archive_funds(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    pubs = council_publications(council_id)
    pub = next((pub for pub in pubs if pub.strategy.pk == strategy_id), None)
    if pub is None:
        raise Http404("Cette stratégie n'a pas été adoptée par ce conseil.")
    return _funds_page(request, pub, pubs)


@require_safe
@public_page
def archive_funds_csv(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    return _funds_csv(strategy_publication(council_id, strategy_id))


@require_safe
@public_page
def archive_funds_json(request: HttpRequest, council_id: int, strategy_id: int) -> HttpResponse:
    return _funds_json(strategy_publication(council_id, strategy_id))


# Every strategy the council adopted, in one file.


def _all(council_id: int) -> list[Publication]:
    return council_publications(council_id)


@require_safe
@public_page
def all_indicators_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    pubs = _all(council_id)
    text = opendata.all_indicators_csv([(pub, public_results(pub)) for pub in pubs])
    code = opendata.territory_code(pubs[0])
    return _download(text, CSV, f"indicateurs-{code}-toutes-strategies.csv")


@require_safe
@public_page
def all_indicators_json(request: HttpRequest, council_id: int) -> HttpResponse:
    pubs = _all(council_id)
    text = opendata.all_indicators_json([(pub, public_results(pub)) for pub in pubs])
    code = opendata.territory_code(pubs[0])
    return _download(text, JSON, f"indicateurs-{code}-toutes-strategies.json")


@require_safe
@public_page
def all_strategies_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    pubs = _all(council_id)
    code = opendata.territory_code(pubs[0])
    return _download(opendata.all_strategies_csv(pubs), CSV, f"strategies-{code}.csv")


@require_safe
@public_page
def all_strategies_json(request: HttpRequest, council_id: int) -> HttpResponse:
    pubs = _all(council_id)
    code = opendata.territory_code(pubs[0])
    return _download(opendata.all_strategies_json(pubs), JSON, f"strategies-{code}.json")


@require_safe
@public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    pubs = publications()
    base = f"{request.scheme}://{request.get_host()}"
    modified = {pub.council.pk: last_change(pub) for pub in pubs}
    response = HttpResponse(
        opendata.catalogue(pubs, base, modified), content_type="application/ld+json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
