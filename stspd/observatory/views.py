from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from stspd.accounts.current import current_user
from stspd.context.summary import context_block, qpv_counts
from stspd.core.cache import cached
from stspd.core.ids import parse_id

from .access import access_territory
from .caveats import GENERAL, caveats_for
from .evolution import evolution
from .figures import (
    FLAG_LABELS,
    Figures,
    Territory,
    funnel_data,
    member_map,
    similar_reference,
    territory_figures,
)
from .models import Indicator
from .presentation import (
    attach_similar,
    chart_data,
    figures_csv,
    label_map,
    missing_denominator,
    summary,
    unit_of_rate,
    year_rows,
)


def figures_of(place: Territory) -> Figures:
    """The territory's figures, computed once per version of the data (stspd/core/cache.py):
    an import, a change of a council's communes or of the territories gives a new one."""
    return cached("observatory:figures", (place.kind, place.key), lambda: territory_figures(place))


@login_required
def territory(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    place = access_territory(current_user(request), kind, key)

    def compute() -> tuple[Figures, Any, Any]:
        figures = figures_of(place)
        block = context_block(place.members, (place.departement_code, place.departement_name))
        return figures, summary(figures), block

    figures, rows, block = cached("observatory:territory", (place.kind, place.key), compute)
    return render(
        request,
        "observatory/territory.html",
        {
            "territory": place,
            "council": place.council,
            "figures": figures,
            "rows": rows,
            "context_block": block,
            "caveats": GENERAL,
        },
    )


@login_required
def indicator(request: HttpRequest, kind: str, key: str, indicator_id: int) -> HttpResponse:
    place = access_territory(current_user(request), kind, key)
    chosen = get_object_or_404(Indicator, pk=indicator_id)
    figures = figures_of(place)
    rows = year_rows(figures.indicator_series(chosen.label))
    if not rows:
        raise Http404("Aucune donnée de cet indicateur pour ce territoire.")
    similar = similar_reference(place, chosen)
    if similar is not None and similar.communes:
        attach_similar(rows, similar, chosen)
    last_year = max(row["year"] for row in rows)
    # ?limites=poisson: the pure Poisson limits, without the overdispersion factor.
    poisson_only = request.GET.get("limites") == "poisson"
    funnel = funnel_data(place, chosen, last_year, rows[-1], overdispersed=not poisson_only)
    flags = funnel.pop("flags") if funnel else {}
    members = None
    qpv: dict[str, int] | None = None
    if not place.is_single_commune:
        members = label_map(member_map(place, chosen, last_year))
        qpv = qpv_counts(place.members)  # the priority neighbourhoods, when the list is stored
        for feature in members["features"]:
            flag = flags.get(feature["properties"]["code"])
            feature["properties"]["funnel"] = FLAG_LABELS.get(flag, "") if flag else ""
            feature["properties"]["qpv"] = qpv.get(feature["properties"]["code"]) if qpv else None
    return render(
        request,
        "observatory/indicator.html",
        {
            "territory": place,
            "council": place.council,
            "figures": figures,
            "indicator": chosen,
            "unit_of_rate": unit_of_rate(chosen),
            "rows": rows,
            "last_year": last_year,
            "chart": chart_data(chosen, rows),
            # No year has a rate: a chart would be empty; the page says why instead.
            "no_rate": missing_denominator(rows[-1])
            if all(row["rate"] is None for row in rows) and rows[-1]["count"] is not None
            else "",
            "evolution": evolution(figures, chosen.label, rows),
            "map": members,
            "map_qpv": members is not None and qpv is not None,
            "funnel": funnel,
            "similar": similar,
            "funnel_place": FLAG_LABELS[funnel["territory"]["flag"]]
            if funnel and funnel["territory"]
            else "",
            "specific_caveats": caveats_for(
                chosen.label, chosen.unit, chosen.denominator_kind, chosen.retired
            ),
            "caveats": GENERAL,
        },
    )


@login_required
def figures_download(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    place = access_territory(current_user(request), kind, key)
    chosen = None
    if wanted := request.GET.get("indicateur"):
        if (indicator_id := parse_id(wanted)) is None:
            raise Http404
        chosen = get_object_or_404(Indicator, pk=indicator_id)
    figures = figures_of(place)
    name = f"observatoire-{place.kind}-{place.key}" + (f"-{chosen.pk}" if chosen else "")
    response = HttpResponse(figures_csv(figures, chosen), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
