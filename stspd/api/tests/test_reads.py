"""Authenticated reads: tokens and sessions, each object's access rule, pagination, the
observatory's figures against known answers, and clear refusals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stspd.api.errors import NOT_FOUND, READ_ONLY, SIGN_IN
from stspd.api.models import ApiToken
from stspd.strategy.models import Action, ActionIndicator, Strategy

from .helpers import bearer, get, token


def test_without_a_token_the_private_reads_are_401_with_the_way_in(world, client) -> None:  # type: ignore[no-untyped-def]
    for url in ["/api/moi", "/api/strategies", f"/api/strategies/{world.strategy.pk}"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": SIGN_IN}
        assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_revoked_or_expired_token_is_refused_with_its_reason(world, client) -> None:  # type: ignore[no-untyped-def]
    response = get(client, "/api/moi", "stspd_not-a-token")
    assert response.status_code == 401
    assert "Jeton inconnu ou révoqué" in response.json()["detail"]
    expired = token(world.coordinator, days=-1)
    response = get(client, "/api/moi", expired)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Ce jeton a expiré le ")
    revoked = token(world.coordinator)
    ApiToken.objects.filter(user=world.coordinator).update(revoked_at=timezone.now())
    assert get(client, "/api/moi", revoked).status_code == 401
    # A token is not a way around a session: a bad token with a valid session is still 401.
    client.force_login(world.coordinator)
    assert get(client, "/api/moi", expired).status_code == 401
    assert client.get("/api/moi").status_code == 200


def test_me_names_the_caller_their_councils_and_the_tokens_scopes(world, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(world.reader)
    me = get(client, "/api/moi", secret).json()
    assert me == {
        "adresse": "lecteur@example.org",
        "nom": "Rachida Benali",
        "jeton": "test",
        "portees": ["lecture"],
        "conseils": [
            {"conseil_id": world.council.pk, "conseil": "CISPD de la Métropole", "role": "reader"}
        ],
    }
    last_use = ApiToken.objects.get(user=world.reader).last_used_at
    assert last_use is not None and timezone.now() - last_use < datetime.timedelta(minutes=1)


def test_strategies_are_those_of_the_callers_councils_page_by_page(world, client) -> None:  # type: ignore[no-untyped-def]
    for year in (2029, 2032):
        Strategy.objects.create(
            council=world.council,
            title=f"Stratégie {year}",
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year + 2, 12, 31),
        )
    secret = token(world.partner)
    page = get(client, "/api/strategies", secret, taille=2).json()
    assert page["count"] == 3
    assert [row["titre"] for row in page["items"]] == ["Stratégie 2032", "Stratégie 2029"]
    page = get(client, "/api/strategies", secret, taille=2, page=2).json()
    assert [row["titre"] for row in page["items"]] == ["Stratégie territoriale 2026-2028"]
    assert get(client, "/api/strategies", secret, page=3, taille=2).json()["items"] == []
    for params in [{"page": 0}, {"taille": 201}, {"page": "deux"}, {"page": 10**30}]:
        response = get(client, "/api/strategies", secret, **params)
        assert response.status_code == 422, params
        assert response.json()["detail"].startswith("Requête invalide — query.")
    # The outsider sees their own council's strategies (none), not the others'.
    assert get(client, "/api/strategies", token(world.outsider)).json() == {
        "items": [],
        "count": 0,
    }


def test_another_territorys_strategy_is_a_404_like_an_unknown_id(world, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(world.outsider)
    for url in [
        f"/api/strategies/{world.strategy.pk}",
        f"/api/strategies/{world.strategy.pk}/indicateurs",
        "/api/strategies/999999",
        f"/api/observatoire/conseil/{world.council.pk}",
    ]:
        response = get(client, url, secret)
        assert response.status_code == 404, url
        assert response.json() == {"detail": NOT_FOUND}
    response = get(client, "/api/strategies/0", secret)
    assert response.status_code == 422
    assert response.json()["erreurs"][0]["endroit"] == "path.strategy_id"
    assert get(client, "/api/strategies/99999999999999999999", secret).status_code == 422


def test_a_write_on_a_read_only_path_is_refused_after_the_reads_own_checks(world, client) -> None:  # type: ignore[no-untyped-def]
    """405 (Allow: GET) only for whom the read would answer: the others get the read's 401 or
    404 first, so that a write tells an outsider nothing of the object."""
    mine, theirs = token(world.coordinator), token(world.outsider)
    paths = [
        "/api/moi",
        "/api/strategies",
        f"/api/strategies/{world.strategy.pk}",
        f"/api/strategies/{world.strategy.pk}/indicateurs",
        "/api/observatoire/epci/200023414",
    ]
    for path in paths:
        for method in ("post", "put", "delete"):
            send = getattr(client, method)
            response = send(path, "{}", content_type="application/json", **bearer(mine))
            assert response.status_code == 405, (method, path)
            assert response["Allow"] == "GET"
            assert response.json() == {"detail": READ_ONLY}
            assert send(path, "{}", content_type="application/json").status_code == 401
    for path in paths[2:4]:
        response = client.post(path, "{}", content_type="application/json", **bearer(theirs))
        assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND}), path


def test_the_strategy_tree_and_who_reports_which_indicator(world, client) -> None:  # type: ignore[no-untyped-def]
    from stspd.accounts.models import Membership

    Membership.objects.create(user=world.partner, organisation=world.organisation)
    tree = get(client, f"/api/strategies/{world.strategy.pk}", token(world.reader)).json()
    assert tree["titre"] == "Stratégie territoriale 2026-2028"
    assert tree["etat"] == "draft"
    [axis] = tree["axes"]
    [objective] = axis["objectifs"]
    assert objective["objectif"] == "Réduire les dégradations de biens publics"
    assert [a["titre"] for a in objective["actions"]] == ["Médiation de nuit dans les quartiers"]
    assert objective["actions"][0]["pilote"] == "Préfecture de la Seine-Maritime"

    def reporting(user):  # type: ignore[no-untyped-def]
        url = f"/api/strategies/{world.strategy.pk}/indicateurs"
        rows = get(client, url, token(user)).json()
        return {(row["type"], row["indicateur"]): row["peut_saisir"] for row in rows}

    # The observatory-bound result indicator is never reported; the lead reports the action's.
    assert reporting(world.partner) == {
        ("objectif", "Destructions et dégradations volontaires"): False,
        ("action", "Médiations réalisées"): True,
    }
    assert reporting(world.reader) == {
        ("objectif", "Destructions et dégradations volontaires"): False,
        ("action", "Médiations réalisées"): False,
    }
    assert reporting(world.coordinator)[("action", "Médiations réalisées")] is True


def test_the_indicator_list_reads_in_the_same_number_of_queries_for_more_actions(  # type: ignore[no-untyped-def]
    world, client, monkeypatch
) -> None:
    # One minute of rate limiting throughout (a new minute costs the counter one more query).
    monkeypatch.setattr("stspd.api.throttle.time.time", lambda: 1_800_000_000.0)
    secret = token(world.coordinator)
    url = f"/api/strategies/{world.strategy.pk}/indicateurs"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, url, secret).status_code == 200
        return len(captured)

    queries()  # the token's first use and the minute's first request write once
    first = queries()
    definition = world.action.indicators.get().definition
    for n in range(10):
        action = Action.objects.create(
            objective=world.objective, position=n + 2, title=f"Action {n}", lead=world.organisation
        )
        ActionIndicator.objects.create(action=action, definition=definition)
    assert queries() == first


def test_the_observatory_series_keep_three_states_and_exact_intervals(world, client) -> None:  # type: ignore[no-untyped-def]
    secret = token(world.reader)
    data = get(client, "/api/observatoire/commune/76575", secret).json()
    assert data["nom"] == "Saint-Étienne-du-Rouvray"
    [series] = data["indicateurs"]
    assert [(y["annee"], y["etat"], y["nombre"]) for y in series["annees"]] == [
        (2021, "publiee", 30),
        (2022, "non_diffusee", None),
        (2023, "zero", 0),
    ]
    suppressed = series["annees"][1]
    assert suppressed["taux_pour_1000"] is None and suppressed["ic95_bas"] is None
    # Rouen, 100 destructions for 100,000 inhabitants in 2021: 1 per 1,000, exact Poisson
    # interval [81.36, 121.63] facts (chi-square quantiles) per 100,000.
    rouen = get(client, "/api/observatoire/commune/76540", secret).json()
    year = rouen["indicateurs"][0]["annees"][0]
    assert year["taux_pour_1000"] == pytest.approx(1.0)
    assert year["ic95_bas"] == pytest.approx(0.81363, abs=1e-4)
    assert year["ic95_haut"] == pytest.approx(1.21627, abs=1e-4)
    # The EPCI in 2022: Rouen's 120 and a suppressed commune: at least 120, never 120 + 0.
    epci = get(client, "/api/observatoire/epci/200023414", secret).json()
    year_2022 = epci["indicateurs"][0]["annees"][1]
    assert (year_2022["etat"], year_2022["nombre"], year_2022["communes_non_diffusees"]) == (
        "borne_inferieure",
        120,
        1,
    )
    assert get(client, "/api/observatoire/commune/99999", secret).status_code == 404
    assert get(client, "/api/observatoire/region/28", secret).status_code == 422
    assert get(client, "/api/observatoire/commune/76575", secret, indicateur=0).status_code == 422


def test_session_and_token_see_the_same(world, client) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/strategies/{world.strategy.pk}"
    by_token = client.get(url, **bearer(token(world.partner))).json()
    client.force_login(world.partner)
    assert client.get(url).json() == by_token


def test_working_group_content_never_reaches_the_api_even_for_its_signed_members(  # type: ignore[no-untyped-def]
    world, client
) -> None:
    from stspd.public.tests.test_confidentiality import seed

    seed(world)
    # The coordinator is a signed member of the working group: the pages show them its minutes,
    # the API (an export) never does.
    secret = token(world.coordinator)
    use = world.action.indicators.get()
    urls = [
        "/api/moi",
        "/api/strategies",
        f"/api/strategies/{world.strategy.pk}",
        f"/api/strategies/{world.strategy.pk}/indicateurs",
        f"/api/observatoire/conseil/{world.council.pk}",
        f"/api/indicateurs/action/{use.pk}/mesures",
    ]
    for url in urls:
        response = get(client, url, secret)
        assert response.status_code == 200, url
        text = response.content.decode()
        for confidential in ("SECRET-MINUTES", "SECRET-DECISION", "SECRET-RESTRICTED"):
            assert confidential not in text, (confidential, url)


def test_tokens_and_request_counts_are_read_from_the_primary_even_with_a_replica(  # type: ignore[no-untyped-def]
    world, client, monkeypatch, settings
) -> None:
    # A GET may read from a replica, where a token just revoked or a counter row just created
    # may not be yet. The router below sends the API's reads to a replica that does not exist
    # here: a read that follows it fails the request.
    from stspd.core import routing

    secret = token(world.reader)

    def replica_for_the_api(self, model, **hints):  # type: ignore[no-untyped-def]
        return "replica" if model._meta.app_label == "api" else "default"

    monkeypatch.setattr(routing.ReplicaRouter, "db_for_read", replica_for_the_api)
    settings.DATABASE_ROUTERS = ["stspd.core.routing.ReplicaRouter"]
    for _ in range(2):
        assert get(client, "/api/moi", secret).status_code == 200
    assert client.get("/api/territoires").status_code == 200
