"""The API's public reads: what the portal shows, nothing more, in documented JSON."""

from django.urls import reverse

from stspd.api.errors import NOT_FOUND
from stspd.public.tests.helpers import publish
from stspd.public.tests.test_confidentiality import SECRETS, seed


def test_the_territories_are_those_with_an_adopted_strategy(world, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/territoires").json() == {"items": [], "count": 0}
    publish(world)
    page = client.get("/api/territoires?q=metropole").json()
    assert page["count"] == 1
    [territory] = page["items"]
    assert territory == {
        "id": world.council.pk,
        "conseil": "CISPD de la Métropole",
        "type": "cispd",
        "code_territoire": "200023414",
        "nom_territoire": "Métropole Rouen Normandie",
        "strategie": "Stratégie territoriale 2026-2028",
        "version": 1,
        "page": reverse("public:council", args=[world.council.pk]),
    }
    assert client.get("/api/territoires?q=havre").json() == {"items": [], "count": 0}


def test_a_council_without_an_adopted_strategy_is_a_404_with_a_clear_body(world, client) -> None:  # type: ignore[no-untyped-def]
    for url in [
        f"/api/territoires/{world.council.pk}",
        f"/api/territoires/{world.council.pk}/indicateurs",
        "/api/territoires/999999",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": NOT_FOUND}
    response = client.get("/api/territoires/abc")
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"endroit": "path.council_id", "message": "un nombre entier est attendu"}
    ]


def test_the_series_keep_secrecy_and_hide_everything_confidential(world, client) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    urls = [
        "/api/territoires",
        f"/api/territoires/{world.council.pk}",
        f"/api/territoires/{world.council.pk}/indicateurs",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        for secret in SECRETS:
            assert secret not in text, (secret, url)
    data = client.get(urls[2]).json()
    by_name = {row["indicateur"]: row for row in data["indicateurs"]}
    town = by_name["Destructions et dégradations volontaires — Saint-Étienne-du-Rouvray"]
    assert [(v["valeur"], v["etat_valeur"]) for v in town["valeurs"]] == [
        ("1", "publiee"),
        (None, "non_diffusee"),
        ("0", "zero"),
    ]


def test_the_openapi_schema_documents_every_endpoint(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/territoires",
        "/api/territoires/{council_id}",
        "/api/territoires/{council_id}/indicateurs",
        "/api/moi",
        "/api/observatoire/{kind}/{key}",
        "/api/strategies",
        "/api/strategies/{strategy_id}",
        "/api/strategies/{strategy_id}/indicateurs",
        "/api/indicateurs/{kind}/{use_id}/mesures",
    }
    assert "404" in schema["paths"]["/api/territoires/{council_id}"]["get"]["responses"]
