"""The public reads, without a token: exactly what the public portal shows (stspd.public.portal
decides what is public; nothing else is read here)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import paginate

from stspd.public import opendata
from stspd.public.portal import Publication, public_results, publication, publications

from .errors import PUBLIC_ERRORS
from .ids import Id
from .pagination import Pages

router = Router(tags=["Public (sans jeton)"])


class Territory(Schema):
    id: int
    conseil: str
    type: str
    code_territoire: str
    nom_territoire: str
    strategie: str
    version: int
    page: str


class PublicValue(Schema):
    periode: str
    debut_periode: str
    fin_periode: str
    valeur: str | None
    etat_valeur: str
    origine: str


class PublicIndicator(Schema):
    indicateur: str
    unite: str
    statut: str | None
    motif_statut: str
    valeur_reference: str | None
    date_reference: str | None
    cible: str | None
    echeance: str | None
    sens: str
    valeurs: list[PublicValue]


class PublicSeries(Schema):
    code_territoire: str
    conseil: str
    strategie: str
    version: int
    indicateurs: list[PublicIndicator]


def _territory(pub: Publication) -> dict[str, Any]:
    council = pub.council
    return {
        "id": council.pk,
        "conseil": council.name,
        "type": council.kind,
        "code_territoire": opendata.territory_code(pub),
        "nom_territoire": council.territory.name,
        "strategie": pub.data["title"],
        "version": pub.version,
        "page": reverse("public:council", args=[council.pk]),
    }


@router.get(
    "/territoires",
    response={200: list[Territory]} | PUBLIC_ERRORS,
    url_name="territories",
    summary="Territoires publics (stratégie adoptée)",
    auth=None,
)
@paginate(Pages)
def territories(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """The territories whose council adopted a strategy (search `q` in their names)."""
    return [_territory(pub) for pub in publications(q[:100])]


@router.get(
    "/territoires/{council_id}",
    response={200: Territory} | PUBLIC_ERRORS,
    url_name="territory",
    summary="Un territoire public",
    auth=None,
)
def territory(request: HttpRequest, council_id: Id) -> dict[str, Any]:
    """One territory; 404 if its council never adopted a strategy."""
    return _territory(publication(council_id))


@router.get(
    "/territoires/{council_id}/indicateurs",
    response={200: PublicSeries} | PUBLIC_ERRORS,
    url_name="territory_indicators",
    summary="Indicateurs publics d'un territoire",
    auth=None,
)
def territory_indicators(request: HttpRequest, council_id: Id) -> dict[str, Any]:
    """The public result indicators of the adopted strategy with their validated values;
    a suppressed value is `null` with `etat_valeur` `non_diffusee`."""
    pub = publication(council_id)
    return {
        "code_territoire": opendata.territory_code(pub),
        "conseil": pub.council.name,
        "strategie": pub.data["title"],
        "version": pub.version,
        "indicateurs": [opendata.indicator_data(row) for row in public_results(pub)],
    }
