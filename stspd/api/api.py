"""The REST API (django-ninja; OpenAPI schema at /api/openapi.json, guide in docs/api.md).

Public reads need no token and show exactly what the public portal shows. Everything else
needs a personal token (`Authorization: Bearer ...`, scopes `lecture` and `saisie`) or the
signed-in session, and goes through the access helper of each object. Every request counts
against a per-minute limit; every error is a JSON body with a French `detail`.
"""

from __future__ import annotations

from ninja import NinjaAPI

from . import account, errors, measurements, observatory, public, strategies
from .auth import AUTH
from .throttle import PerMinuteThrottle

api = NinjaAPI(
    title="stspd",
    version="1",
    description="Stratégies territoriales de sécurité et de prévention de la délinquance : "
    "territoires publics, stratégies adoptées et indicateurs publics (licence Ouverte 2.0) ; "
    "avec un jeton personnel, l'observatoire, les stratégies, les indicateurs et leurs valeurs.",
    urls_namespace="api",
    docs_url=None,  # Swagger UI loads from a CDN, which the site's CSP forbids
    auth=AUTH,
    throttle=[PerMinuteThrottle()],
)
errors.install(api)
api.add_router("", public.router)
api.add_router("", account.router)
api.add_router("", observatory.router)
api.add_router("", strategies.router)
api.add_router("", measurements.router)
