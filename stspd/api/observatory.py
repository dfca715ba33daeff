"""The observatory's series of a commune, an EPCI or a council's territory: what its pages
show, in numbers (stspd.observatory computes; the same access rule as the pages)."""

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from stspd.observatory.access import access_territory
from stspd.observatory.figures import territory_figures
from stspd.observatory.models import Indicator
from stspd.observatory.presentation import year_rows
from stspd.public import opendata

from .auth import caller
from .errors import ERRORS, WRITES, read_only
from .ids import MAX_ID

router = Router(tags=["Observatoire"])

STATES = opendata.STATES | {"missing": "absente"}  # no value and no secrecy either


class Year(Schema):
    annee: int
    etat: str = Field(
        description="publiee, zero, non_diffusee (secret statistique : pas de nombre, jamais 0), "
        "borne_inferieure (des communes membres non diffusées : le total est un minimum) "
        "ou absente"
    )
    nombre: int | None
    communes: int
    communes_non_diffusees: int
    denominateur: int | None
    type_denominateur: str = Field(description="habitants ou logements")
    taux_pour_1000: float | None
    ic95_bas: float | None
    ic95_haut: float | None
    taux_departement: float | None
    taux_france: float | None


class SeriesOfIndicator(Schema):
    id: int
    indicateur: str
    unite: str
    annees: list[Year]


class Edition(Schema):
    fichier: str
    date_production: str | None
    millesime_cog: int | None


class Observatory(Schema):
    type: str
    code: str
    nom: str
    departement: str
    communes: list[str]
    editions: list[Edition]
    indicateurs: list[SeriesOfIndicator]


def _year(row: dict[str, Any]) -> dict[str, Any]:
    dwellings = row["denominator_kind"] == "dwellings"
    return {
        "annee": row["year"],
        "etat": STATES[row["status"]],
        "nombre": row["count"],
        "communes": row["n_members"],
        "communes_non_diffusees": row["n_suppressed"],
        "denominateur": row["dwellings"] if dwellings else row["population"],
        "type_denominateur": "logements" if dwellings else "habitants",
        "taux_pour_1000": row["rate"],
        "ic95_bas": row["rate_low"],
        "ic95_haut": row["rate_high"],
        "taux_departement": row["dep_rate"],
        "taux_france": row["fr_rate"],
    }


@router.get(
    "/observatoire/{kind}/{key}",
    response={200: Observatory} | ERRORS,
    url_name="observatory",
    summary="Séries de l'observatoire d'un territoire",
)
def observatory(
    request: HttpRequest,
    kind: Literal["commune", "epci", "conseil"],
    key: Annotated[str, Path(max_length=12, pattern=r"^[0-9AB]+$")],
    indicateur: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """Per indicator and year: count, state, denominator, rate per 1,000 with its exact 95 %
    interval, and the rates of the département and of France. `kind` is commune (INSEE code),
    epci (SIREN) or conseil (the council's id, for its members only)."""
    place = access_territory(caller(request), kind, key)
    chosen = get_object_or_404(Indicator, pk=indicateur) if indicateur else None
    figures = territory_figures(place)
    indicators = [chosen] if chosen else figures.indicators
    return {
        "type": place.kind,
        "code": place.key,
        "nom": place.name,
        "departement": place.departement_code,
        "communes": place.codes,
        "editions": [
            {
                "fichier": edition.source_name,
                "date_production": edition.production_date.isoformat()
                if edition.production_date
                else None,
                "millesime_cog": edition.cog_year,
            }
            for edition in figures.editions
        ],
        "indicateurs": [
            {
                "id": indicator.pk,
                "indicateur": indicator.label,
                "unite": indicator.unit,
                "annees": [
                    _year(row) for row in year_rows(figures.indicator_series(indicator.label))
                ],
            }
            for indicator in indicators
        ],
    }


@router.api_operation(
    WRITES, "/observatoire/{kind}/{key}", url_name="observatory", include_in_schema=False
)
def observatory_write(
    request: HttpRequest,
    kind: Literal["commune", "epci", "conseil"],
    key: Annotated[str, Path(max_length=12, pattern=r"^[0-9AB]+$")],
) -> HttpResponse:
    access_territory(caller(request), kind, key)
    return read_only(request)
