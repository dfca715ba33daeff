"""The index, its search and the DCAT catalogue."""

import json

from django.urls import reverse

from .helpers import publish
from .test_confidentiality import seed


def test_the_index_lists_adopted_strategies_and_searches_without_accents(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    page = client.get(reverse("public:index")).content.decode()
    assert "CISPD de la Métropole" in page
    assert "CLSPD du Havre" not in page  # no strategy adopted
    found = client.get(reverse("public:index") + "?q=METROPOLE rouen").content.decode()
    assert "CISPD de la Métropole" in found
    missing = client.get(reverse("public:index") + "?q=dieppe").content.decode()
    assert "Aucun territoire ne correspond à « dieppe »." in missing


def test_the_catalogue_describes_each_councils_datasets_in_dcat(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    response = client.get(reverse("public:catalogue"))
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    datasets = catalogue["dcat:dataset"]
    assert [d["dct:identifier"] for d in datasets] == [
        "stspd-200023414-indicators",
        "stspd-200023414-strategy",
        "stspd-200023414-funds",
    ]
    funds = datasets[2]
    assert funds["dcat:landingPage"]["@id"] == "http://testserver" + reverse(
        "public:funds", args=[world.council.pk]
    )
    for dataset in datasets:
        assert dataset["dct:publisher"]["foaf:name"] == "CISPD de la Métropole"
        assert dataset["dct:license"]["@id"].startswith(
            "https://www.etalab.gouv.fr/licence-ouverte"
        )
        assert dataset["dct:modified"]["@value"]
        formats = {d["dct:format"] for d in dataset["dcat:distribution"]}
        assert formats == {"CSV", "JSON"}
        for distribution in dataset["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"]
            assert url.startswith("http://testserver/public/")
            assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_the_strategy_exports_hold_the_adopted_structure(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    council = [world.council.pk]
    data = json.loads(client.get(reverse("public:strategy_json", args=council)).content)
    axis = data["axes"][0]
    assert (axis["numero"], axis["intitule"]) == ("1", "Tranquillité publique")
    action = axis["objectifs"][0]["actions"][0]
    assert action["intitule"] == "Médiation de nuit dans les quartiers"
    assert action["pilote"] == "Préfecture de la Seine-Maritime"
    csv = client.get(reverse("public:strategy_csv", args=council)).content.decode("utf-8-sig")
    assert csv.splitlines()[1:] == [
        "200023414;CISPD de la Métropole;1;axe;1;Tranquillité publique;",
        "200023414;CISPD de la Métropole;1;objectif;1.1;Réduire les dégradations de biens publics;",
        "200023414;CISPD de la Métropole;1;action;1.1.1;Médiation de nuit dans les quartiers;"
        "Dégradations nocturnes",
    ]


def test_the_index_maps_the_communes_of_the_councils(world, client) -> None:  # type: ignore[no-untyped-def]
    seed(world)  # Rouen has an outline, Saint-Étienne-du-Rouvray none
    response = client.get(reverse("public:index"))
    features = response.context["map"]["features"]
    assert [f["properties"] for f in features] == [
        {
            "name": "Rouen",
            "council": "CISPD de la Métropole",
            "url": reverse("public:council", args=[world.council.pk]),
        }
    ]
    assert 'id="public-map"' in response.content.decode()
