"""Reporting a value through the API: the reporting page's rules, a clear 4xx for every bad
input, and nothing changed by a refused request."""

from decimal import Decimal

import pytest
from django.test import override_settings

from stspd.api.models import RequestCount
from stspd.audit.models import Event
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.steering.reporting import OBSERVATORY_REFUSAL
from stspd.steering.tests.reporting_helpers import in_force, measure, quarter

from .helpers import bearer, get, post, token


@pytest.fixture
def rw(world):  # type: ignore[no-untyped-def]
    return in_force(world)


def url(use) -> str:  # type: ignore[no-untyped-def]
    return f"/api/indicateurs/action/{use.pk}/mesures"


def unchanged(function):  # type: ignore[no-untyped-def]
    """Run `function`; assert no value and no event was written; return its response."""
    values, events = list(Measurement.objects.values()), Event.objects.count()
    response = function()
    assert list(Measurement.objects.values()) == values
    assert Event.objects.count() == events
    return response


def test_the_lead_reports_a_value_then_corrects_it(rw, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(rw.partner, ("lecture", "saisie"))
    body = {"periode": quarter(rw, 1).isoformat(), "valeur": "12,5", "commentaire": "Été calme"}
    response = post(client, url(rw.use), secret, body)
    assert response.status_code == 201, response.content
    value = response.json()
    assert (value["etat"], value["valeur"], value["suite"]) == ("publiee", "12.5", "submitted")
    assert value["libelle_periode"] == f"T1 {rw.last_year}"
    stored = Measurement.objects.get(action_indicator=rw.use)
    assert stored.value == Decimal("12.5") and stored.submitted_by == rw.partner
    assert Event.objects.filter(verb="reported", actor=rw.partner).count() == 1
    response = post(client, url(rw.use), secret, body | {"valeur": 100})
    assert response.status_code == 200
    assert response.json()["valeur"] == "100"  # its digits, never "1E+2"
    assert Measurement.objects.get(action_indicator=rw.use).value == Decimal(100)
    listed = get(client, url(rw.use), secret).json()
    assert listed["count"] == 1 and listed["items"][0]["valeur"] == "100"


def test_zero_and_suppressed_are_states_not_numbers(rw, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(rw.partner, ("saisie",))
    response = post(
        client, url(rw.use), secret, {"periode": quarter(rw, 1).isoformat(), "etat": "non_diffusee"}
    )
    assert response.status_code == 201
    assert (response.json()["etat"], response.json()["valeur"]) == ("non_diffusee", None)
    response = post(
        client, url(rw.use), secret, {"periode": quarter(rw, 2).isoformat(), "etat": "zero"}
    )
    assert (response.json()["etat"], response.json()["valeur"]) == ("zero", "0")
    refused = unchanged(
        lambda: post(
            client,
            url(rw.use),
            secret,
            {"periode": quarter(rw, 3).isoformat(), "etat": "non_diffusee", "valeur": "3"},
        )
    )
    assert refused.status_code == 400
    assert refused.json()["erreurs"][0]["endroit"] == "body.valeur"


@pytest.mark.parametrize(
    ("body", "status", "where"),
    [
        ({"periode": "2025-13-01", "valeur": "3"}, 422, "body.body.periode"),
        ({"periode": "hier", "valeur": "3"}, 422, "body.body.periode"),
        ({"valeur": "3"}, 422, "body.body.periode"),
        ({"periode": "Q1", "etat": "inconnu"}, 422, "body.body.periode"),
        ({"periode": "{q1}", "valeur": "douze"}, 400, "body.valeur"),
        ({"periode": "{q1}", "valeur": "-4"}, 400, "body.valeur"),
        ({"periode": "{q1}", "valeur": "1,2345"}, 400, "body.valeur"),
        ({"periode": "{q1}"}, 400, "body.valeur"),
        ({"periode": "2000-01-01", "valeur": "3"}, 400, "body.periode"),
        (
            {"periode": "{q1}", "valeur": "3", "commentaire": "x" * 2001},
            422,
            "body.body.commentaire",
        ),
    ],
)
def test_bad_input_gets_a_clear_4xx_naming_the_field_and_changes_nothing(  # type: ignore[no-untyped-def]
    rw, client, body, status, where
) -> None:
    secret = token(rw.partner, ("lecture", "saisie"))
    body = {
        k: v.replace("{q1}", quarter(rw, 1).isoformat()) if isinstance(v, str) else v
        for k, v in body.items()
    }
    response = unchanged(lambda: post(client, url(rw.use), secret, body))
    assert response.status_code == status, response.content
    assert response.json()["erreurs"][0]["endroit"] == where
    assert response.json()["detail"]


def test_not_json_wrong_ids_and_missing_rights_are_refused(rw, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(rw.partner, ("lecture", "saisie"))
    body = {"periode": quarter(rw, 1).isoformat(), "valeur": "3"}
    not_json = unchanged(
        lambda: client.post(
            url(rw.use),
            "periode=x",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    )
    assert not_json.status_code in (400, 422)
    assert not_json.json()["detail"]
    assert (
        unchanged(
            lambda: post(client, "/api/indicateurs/action/999999/mesures", secret, body)
        ).status_code
        == 404
    )
    assert (
        unchanged(
            lambda: post(client, f"/api/indicateurs/tableau/{rw.use.pk}/mesures", secret, body)
        ).status_code
        == 422
    )
    # Another territory's person: the indicator does not exist for them.
    outsider = token(rw.outsider, ("lecture", "saisie"))
    response = unchanged(lambda: post(client, url(rw.use), outsider, body))
    assert response.status_code == 404
    # Whatever the body: the indicator is checked before it, or a 400 or 422 would tell them
    # that it exists.
    for bad in ["periode=x", "{}", '{"periode": "hier"}', ""]:
        response = unchanged(
            lambda bad=bad: client.post(
                url(rw.use), bad, content_type="application/json", **bearer(outsider)
            )
        )
        assert response.status_code == 404, bad
    # A reader of the council does not report: 403 with the rule.
    reader = token(rw.reader, ("lecture", "saisie"))
    response = unchanged(lambda: post(client, url(rw.use), reader, body))
    assert response.status_code == 403
    assert "pilote" in response.json()["detail"]
    response = unchanged(
        lambda: client.post(
            url(rw.use), "periode=x", content_type="application/json", **bearer(reader)
        )
    )
    assert response.status_code == 403
    # A token without the scope: 403 naming it.
    read_only = token(rw.partner, ("lecture",))
    response = unchanged(lambda: post(client, url(rw.use), read_only, body))
    assert response.status_code == 403
    assert "« saisie »" in response.json()["detail"]
    # An expired token.
    expired = token(rw.partner, ("lecture", "saisie"), days=-1)
    assert unchanged(lambda: post(client, url(rw.use), expired, body)).status_code == 401


def test_observatory_bound_and_validated_values_are_not_reported(rw, client) -> None:  # type: ignore[no-untyped-def]
    coordinator = token(rw.coordinator, ("saisie",))
    observed = rw.objective.indicators.get()
    body = {"periode": f"{rw.last_year}-01-01", "valeur": "3"}
    response = unchanged(
        lambda: post(client, f"/api/indicateurs/objectif/{observed.pk}/mesures", coordinator, body)
    )
    assert response.status_code == 400
    assert response.json()["detail"] == OBSERVATORY_REFUSAL
    measure(rw.use, quarter(rw, 1), 5, status=MeasurementStatus.VALIDATED)
    partner = token(rw.partner, ("saisie",))
    body = {"periode": quarter(rw, 1).isoformat(), "valeur": "6"}
    response = unchanged(lambda: post(client, url(rw.use), partner, body))
    assert response.status_code == 400
    assert "déjà validée" in response.json()["detail"]


@override_settings(STSPD_API_REQUESTS_PER_MINUTE=3, STSPD_API_ANONYMOUS_REQUESTS_PER_MINUTE=2)
def test_too_many_requests_are_refused_until_the_next_minute(rw, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = [1_800_000_000.0]
    monkeypatch.setattr("stspd.api.throttle.time.time", lambda: clock[0])
    secret = token(rw.partner, ("lecture", "saisie"))
    for _ in range(3):
        assert get(client, url(rw.use), secret).status_code == 200
    body = {"periode": quarter(rw, 1).isoformat(), "valeur": "3"}
    response = unchanged(lambda: post(client, url(rw.use), secret, body))
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Trop de requêtes")
    assert int(response["Retry-After"]) == 60
    # Another token of the same person shares the count; another person has their own;
    # anonymous reads count by address.
    assert get(client, "/api/moi", token(rw.partner)).status_code == 429
    assert get(client, "/api/moi", token(rw.reader)).status_code == 200
    assert [client.get("/api/territoires").status_code for _ in range(3)] == [200, 200, 429]
    clock[0] += 60
    assert post(client, url(rw.use), secret, body).status_code == 201
    # The new minute cleared the finished one for every client.
    assert set(RequestCount.objects.values_list("client", flat=True)) == {f"user:{rw.partner.pk}"}


def test_json_numbers_are_read_in_full(rw, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(rw.partner, ("saisie",))
    body = {"periode": quarter(rw, 1).isoformat(), "valeur": 12.5}
    assert post(client, url(rw.use), secret, body).json()["valeur"] == "12.5"
    tiny = unchanged(lambda: post(client, url(rw.use), secret, body | {"valeur": 1e-07}))
    assert tiny.status_code == 400
    assert "au plus 3 décimales" in tiny.json()["detail"]
