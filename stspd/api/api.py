"""The REST API (django-ninja, OpenAPI at /api/openapi.json): for now the public reads, without
a token, of exactly what the public portal shows (stspd.public.portal decides what is public)."""

from __future__ import annotations

from django.urls import reverse
from ninja import NinjaAPI, Schema

from stspd.public import opendata
from stspd.public.portal import Publication, public_results, publication, publications

api = NinjaAPI(
    title="stspd",
    version="1",
    description="Stratégies territoriales de sécurité et de prévention de la délinquance : "
    "territoires publics, stratégies adoptées et indicateurs publics (licence Ouverte 2.0).",
    urls_namespace="api",
    docs_url=None,  # Swagger UI loads from a CDN, which the site's CSP forbids
)


class Error(Schema):
    detail: str


class Territory(Schema):
    id: int
    conseil: str
    type: str
    code_territoire: str
    nom_territoire: str
    strategie: str
    version: int
    page: str


class Value(Schema):
    periode: str
    debut_periode: str
    fin_periode: str
    valeur: str | None
    etat_valeur: str
    origine: str


class Indicator(Schema):
    indicateur: str
    unite: str
    statut: str | None
    motif_statut: str
    valeur_reference: str | None
    date_reference: str | None
    cible: str | None
    echeance: str | None
    sens: str
    valeurs: list[Value]


class Series(Schema):
    code_territoire: str
    conseil: str
    strategie: str
    version: int
    indicateurs: list[Indicator]


def _territory(pub: Publication) -> dict[str, object]:
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


@api.get("/territoires", response=list[Territory], url_name="territories")
def territories(request, q: str = "") -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The territories whose council adopted a strategy (search `q` in their names)."""
    return [_territory(pub) for pub in publications(q[:100])]


@api.get("/territoires/{council_id}", response={200: Territory, 404: Error}, url_name="territory")
def territory(request, council_id: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One territory; 404 if its council never adopted a strategy."""
    return _territory(publication(council_id))


@api.get(
    "/territoires/{council_id}/indicateurs",
    response={200: Series, 404: Error},
    url_name="territory_indicators",
)
def territory_indicators(request, council_id: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The public result indicators of the adopted strategy with their validated values;
    a suppressed value is `null` with `etat_valeur` `non_diffusee`."""
    pub = publication(council_id)
    rows = public_results(pub)
    return {
        "code_territoire": opendata.territory_code(pub),
        "conseil": pub.council.name,
        "strategie": pub.data["title"],
        "version": pub.version,
        "indicateurs": [opendata.indicator_data(row) for row in rows],
    }
