"""Error bodies: always `{"detail": "<what went wrong, in French>"}`, plus the list of faulty
fields for a request that does not follow the schema. Every status is documented (ERRORS)."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class Error(Schema):
    detail: str


class FieldError(Schema):
    endroit: str
    message: str


class InvalidRequest(Schema):
    detail: str
    erreurs: list[FieldError]


class Refused(Exception):
    """A request that follows the schema but that the platform's rules refuse (400)."""

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None):
        super().__init__(detail)
        self.detail, self.errors = detail, errors or []


NOT_FOUND = "Introuvable : cet objet n'existe pas ou vous n'y avez pas accès."
SIGN_IN = (
    "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> » (jetons : "
    "« Mon compte > Jetons d'API »)."
)

READ_ONLY = "Méthode non permise : ce chemin se lit seulement (GET)."
# Every method but GET, which a read-only path refuses once the caller and the object have
# passed its read's checks (all of them: django-ninja's own 405 would list these in `Allow`).
WRITES = ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]

UNREADABLE_BODY = (
    "Corps de requête illisible : un objet JSON est attendu (en-tête Content-Type: "
    "application/json)."
)

PUBLIC_ERRORS: dict[int, Any] = {404: Error, 422: InvalidRequest, 429: Error}
ERRORS: dict[int, Any] = PUBLIC_ERRORS | {401: Error, 403: Error}

# Pydantic's messages, as a coordinator reads them.
MESSAGES = {
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "float_parsing": "un nombre est attendu",
    "decimal_parsing": "un nombre est attendu",
    "date_from_datetime_parsing": "une date AAAA-MM-JJ est attendue",
    "date_parsing": "une date AAAA-MM-JJ est attendue",
    "date_type": "une date AAAA-MM-JJ est attendue",
    "missing": "champ obligatoire",
    "string_type": "un texte est attendu",
    "string_too_long": "texte trop long",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "literal_error": "valeur non prévue",
    "enum": "valeur non prévue",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "un objet JSON est attendu",
    "dict_type": "un objet JSON est attendu",
    "extra_forbidden": "champ inconnu",
}


def read_only(request: HttpRequest) -> HttpResponse:
    """405 for a write on a read-only path. Its view answers only after the path's read checks
    (401, 403, 404): a 405 that came first would tell an outsider that the object exists."""
    response = HttpResponse(
        json.dumps({"detail": READ_ONLY}, ensure_ascii=False),
        status=405,
        content_type="application/json; charset=utf-8",
    )
    response["Allow"] = "GET"
    return response


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    where = ".".join(str(part) for part in error.get("loc", ()))
    kind = str(error.get("type", ""))
    message = MESSAGES.get(kind, str(error.get("msg", "valeur invalide")))
    if kind in ("greater_than_equal", "less_than_equal", "string_too_long") and error.get("ctx"):
        message += f" ({', '.join(f'{k} {v}' for k, v in error['ctx'].items())})"
    if kind in ("literal_error", "enum") and error.get("ctx", {}).get("expected"):
        message += f" : attendu {error['ctx']['expected']}"
    return {"endroit": where, "message": message}


def install(api: NinjaAPI) -> None:
    """French, documented bodies for the errors raised by the views and by django-ninja."""

    def detail(request: HttpRequest, status: int, text: str) -> HttpResponse:
        return api.create_response(request, {"detail": text}, status=status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [_field_error(error) for error in exc.errors]
        summary = "; ".join(f"{e['endroit']} : {e['message']}" for e in errors)
        body = {"detail": f"Requête invalide — {summary}", "erreurs": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(Refused)
    def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        body = {"detail": exc.detail, "erreurs": exc.errors}
        return api.create_response(request, body, status=400)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = detail(request, 401, SIGN_IN)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        text = str(exc)
        if exc.status_code == 429:
            text = "Trop de requêtes : attendez la minute suivante (voir l'en-tête Retry-After)."
        if exc.status_code == 400:  # django-ninja could not read the body
            body = {"detail": UNREADABLE_BODY, "erreurs": [{"endroit": "body", "message": text}]}
            return api.create_response(request, body, status=400)
        response = detail(request, exc.status_code, text)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return detail(request, 404, NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return detail(request, 403, str(exc) or "Vous n'avez pas ce droit.")
