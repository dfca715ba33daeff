from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.core.ids import is_ascii_digits
from stspd.territories.models import Commune, Departement, Epci
from stspd.territories.search import search_key

from .access import role_in
from .models import Council

RESULTS_PER_KIND = 20


def search_territories(query: str) -> dict[str, list[object]]:
    """Communes, EPCI and départements whose name or code matches, accents and case ignored.

    Every word must appear at the start of a word of the name ("saint etienne" finds
    Saint-Étienne and Saint-Étienne-du-Rouvray); a code matches exactly or by its beginning.
    """
    key = search_key(query)
    if not key:
        return {"communes": [], "epcis": [], "departements": []}
    words = key.split()

    def name_filter() -> Q:
        condition = Q()
        for word in words:
            condition &= Q(search_name__startswith=word) | Q(search_name__contains=f" {word}")
        return condition

    compact = query.strip().upper()
    commune_filter = name_filter() | Q(code=compact)
    if is_ascii_digits(compact) and len(compact) == 5:
        commune_filter |= Q(postal_codes__contains=compact)
    communes = (
        Commune.objects.filter(commune_filter)
        .select_related("departement", "epci")
        .order_by("-population")[:RESULTS_PER_KIND]
    )
    epcis = Epci.objects.filter(name_filter() | Q(siren=compact)).order_by("-population")[
        :RESULTS_PER_KIND
    ]
    departements = Departement.objects.filter(name_filter() | Q(code=compact))[:RESULTS_PER_KIND]
    return {
        "communes": list(communes),
        "epcis": list(epcis),
        "departements": list(departements),
    }


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = search_territories(query) if query else None
    return render(request, "territories/search.html", {"query": query, "results": results})


def shown_council(user: User, council: Council | None) -> tuple[Council | None, bool]:
    """The territory's council as the page may show it, and whether one is pending: a council
    waiting for the site admin's approval is not named (it may be a squatter's "officiel")."""
    if council is not None and not council.is_approved and not user.is_superuser:
        return None, True
    return council, False


@login_required
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_object_or_404(
        Commune.objects.select_related("departement__region", "epci", "parent"), code=code
    )
    user = current_user(request)
    council, pending = shown_council(user, getattr(commune, "council", None))
    epci_council = getattr(commune.epci, "council", None) if commune.epci else None
    return render(
        request,
        "territories/commune.html",
        {
            "commune": commune,
            "council": council,
            "pending": pending,
            "has_role": (has_role := council is not None and role_in(user, council) is not None),
            # The council's page is not theirs: the breadcrumb names it without a link.
            "council_unreachable": not has_role,
            "epci_council": shown_council(user, epci_council)[0],
        },
    )


@login_required
def epci_detail(request: HttpRequest, siren: str) -> HttpResponse:
    epci = get_object_or_404(Epci, siren=siren)
    user = current_user(request)
    council, pending = shown_council(user, getattr(epci, "council", None))
    return render(
        request,
        "territories/epci.html",
        {
            "epci": epci,
            "council": council,
            "pending": pending,
            "has_role": (has_role := council is not None and role_in(user, council) is not None),
            "council_unreachable": not has_role,
            "communes": epci.communes.select_related("departement").order_by("-population"),
        },
    )


@login_required
def departement_detail(request: HttpRequest, code: str) -> HttpResponse:
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    epcis = Epci.objects.filter(communes__departement=departement).distinct().order_by("name")
    return render(
        request, "territories/departement.html", {"departement": departement, "epcis": epcis}
    )
