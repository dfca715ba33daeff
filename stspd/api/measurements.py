"""The values of an indicator: read them, and report one (scope `saisie`).

Writing goes through the reporting page's own form and verb (MeasurementForm, submit): the same
checks, the same warnings, the same event in the journal. Who may do what is
indicators.access's rule: the action's lead and the coordinator; 404 for an outsider.
"""

import datetime
import json
from decimal import Decimal
from typing import Any, Literal

import pydantic
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.pagination import paginate

from stspd.observatory.models import State
from stspd.public.opendata import STATES
from stspd.steering.access import access_indicator_use
from stspd.steering.models import Measurement
from stspd.steering.periods import period_label
from stspd.steering.reporting import ReportingError, measurements_of, reporting_problem, submit
from stspd.steering.reporting_forms import MeasurementForm
from stspd.strategy.snapshot import decimal_text

from .auth import caller
from .errors import ERRORS, InvalidRequest, Refused
from .ids import Id
from .models import Scope
from .pagination import Pages

router = Router(tags=["Valeurs des indicateurs"])

Kind = Literal["action", "objectif"]
# The open data's names of the three states of a reported value (a value is never a bound).
FROM_API = {STATES[state]: state for state in State.values}
FIELDS = {"period": "periode", "state": "etat", "value": "valeur", "comment": "commentaire"}


class Value(Schema):
    id: int
    periode: str = Field(description="Premier jour de la période (AAAA-MM-JJ)")
    libelle_periode: str
    etat: str = Field(description="publiee, zero ou non_diffusee (pas de nombre, jamais 0)")
    valeur: str | None = Field(description="Nombre décimal en texte (point décimal), ou null")
    commentaire: str
    suite: str = Field(description="submitted (transmise), validated (validée) ou returned")
    en_retard: bool
    avertissement: str
    motif_renvoi: str
    transmise_le: str


class NewValue(Schema):
    periode: datetime.date = Field(description="Premier jour de la période (AAAA-MM-JJ)")
    etat: Literal["publiee", "zero", "non_diffusee"] = "publiee"
    valeur: str | int | float | None = Field(
        None,
        description="Un nombre (12.5) ou un texte (« 12,5 ») ; absent ou null pour zéro ou "
        "non diffusée",
    )
    commentaire: str = Field("", max_length=2000)


def _number_text(value: str | int | float | None) -> str:
    """A JSON number as its digits (1e-07 -> "0.0000001"), for the form's own checks."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _value(measurement: Measurement, periodicity: str) -> dict[str, Any]:
    return {
        "id": measurement.pk,
        "periode": measurement.period_start.isoformat(),
        "libelle_periode": period_label(measurement.period_start, periodicity),
        "etat": STATES[measurement.state],
        "valeur": decimal_text(measurement.value),
        "commentaire": measurement.comment,
        "suite": measurement.status,
        "en_retard": measurement.late,
        "avertissement": measurement.warning,
        "motif_renvoi": measurement.review_comment,
        "transmise_le": measurement.submitted_at.isoformat(),
    }


@router.get(
    "/indicateurs/{kind}/{use_id}/mesures",
    response={200: list[Value]} | ERRORS,
    url_name="measurements",
    summary="Valeurs d'un indicateur",
)
@paginate(Pages)
def measurements(request: HttpRequest, kind: Kind, use_id: Id) -> list[dict[str, Any]]:
    """The reported values of the indicator, by period (its reporters and the coordinator)."""
    use = access_indicator_use(caller(request), kind, use_id).obj
    periodicity = use.definition.periodicity
    rows = measurements_of(use).order_by("period_start")
    return [_value(measurement, periodicity) for measurement in rows]


def _new_value(request: HttpRequest) -> NewValue:
    """The request's body, read as django-ninja reads a parameter `body: NewValue` (the same
    400 and 422, at the same places), but only when `report` asks for it."""
    if not request.body:
        raise ValidationError([{"type": "missing", "loc": ("body", "body"), "msg": "missing"}])
    try:
        data = json.loads(request.body)
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None
    try:
        return NewValue.model_validate(data)
    except pydantic.ValidationError as error:
        raise ValidationError(
            [{**e, "loc": ("body", "body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


@router.post(
    "/indicateurs/{kind}/{use_id}/mesures",
    response={200: Value, 201: Value, 400: InvalidRequest} | ERRORS,
    url_name="measurements",
    summary="Transmettre ou corriger la valeur d'une période",
    # The body is read in the view, after the access helper (see `_new_value`): documented here.
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": NewValue.model_json_schema()}},
            "required": True,
        }
    },
)
def report(request: HttpRequest, kind: Kind, use_id: Id) -> Status[dict[str, Any]]:
    """Report the value of one period, or correct the one already sent (201 when new, 200 when
    corrected). Refused with 400 and the reason: a period outside the strategy or not ended, a
    value that is not a number or not in the indicator's unit, a value already validated."""
    user = caller(request, Scope.REPORT)
    # The indicator before the body: an outsider gets 404 and a member without the right 403,
    # whatever they sent; a 400 or 422 first would tell them that the indicator exists.
    granted = access_indicator_use(user, kind, use_id)
    use = granted.obj
    body = _new_value(request)
    if problem := reporting_problem(use):
        raise Refused(problem)
    today = timezone.localdate()
    data = {
        "period": body.periode.isoformat(),
        "state": FROM_API[body.etat],
        "value": _number_text(body.valeur),
        "comment": body.commentaire,
    }
    form = MeasurementForm(data, use=use, today=today)
    if not form.is_valid():
        errors = [
            {
                "endroit": f"body.{FIELDS[field]}" if field in FIELDS else "body",
                "message": " ".join(messages),
            }
            for field, messages in form.errors.items()
        ]
        raise Refused("Valeur refusée — " + " ; ".join(e["message"] for e in errors), errors)
    existed = measurements_of(use).filter(period_start=body.periode).exists()
    try:
        measurement = submit(
            use,
            period_start=form.cleaned_data["period"],
            state=form.cleaned_data["state"],
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
            evidence=None,
            by=user,
            role=granted.role,
            today=today,
        )
    except ReportingError as error:
        raise Refused(str(error)) from None
    return Status(200 if existed else 201, _value(measurement, use.definition.periodicity))
