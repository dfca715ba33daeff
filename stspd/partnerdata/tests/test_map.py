"""The hot-spot map: grid cells, significant hot cells in a table, filters, fixed query count."""

import datetime

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stspd.partnerdata.models import LocalIndicator, Record, Upload
from stspd.territories.models import Commune

from .helpers import add_shapes, make_source


def grow(world, n: int, *, seed: int = 1, label: str = "Tapage", month: int = 3) -> LocalIndicator:  # type: ignore[no-untyped-def]
    """`n` facts in Rouen: a tight cluster near (1.095, 49.44), the rest spread uniformly."""
    rng = np.random.default_rng(seed)
    source = make_source(world)
    indicator, _ = LocalIndicator.objects.get_or_create(council=world.council, label=label)
    upload = Upload.objects.create(
        source=source, file_name=f"f{seed}.csv", sha256=f"{seed:064d}", state="imported"
    )
    rouen = Commune.objects.get(code="76540")
    cluster = n // 3
    lon = np.concatenate([rng.normal(1.095, 0.0007, cluster), rng.uniform(1.08, 1.12, n - cluster)])
    lat = np.concatenate(
        [rng.normal(49.44, 0.0005, cluster), rng.uniform(49.42, 49.46, n - cluster)]
    )
    Record.objects.bulk_create(
        Record(
            upload=upload,
            source=source,
            indicator=indicator,
            day=datetime.date(2026, month, 1 + i % 28),
            commune=rouen,
            lon=round(float(x), 4),
            lat=round(float(y), 4),
            count=1,
        )
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    )
    return indicator


def url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/conseils/{world.council.pk}/donnees-partenaires/carte/"


def test_map_lists_the_significant_hot_cells(world, login) -> None:  # type: ignore[no-untyped-def]
    add_shapes()
    grow(world, 600)
    response = login(world.reader).get(url(world))
    page = response.content.decode()
    assert "<strong>600</strong> faits géolocalisés retenus" in page
    assert "<td>Point chaud, confiance 99 %</td>" in page
    hot = response.context["hot"]
    assert hot and all(cell["level"].startswith("hot-") for cell in hot)
    assert [cell["z"] for cell in hot] == sorted((cell["z"] for cell in hot), reverse=True)
    # The cluster's own cell is a hot spot (a 200 m cell: centre within ~150 m of the cluster).
    assert any(
        abs(cell["centre"][0] - 1.095) < 0.002 and abs(cell["centre"][1] - 49.44) < 0.0015
        for cell in hot
    )
    # Data for the map: commune outlines and cells, through json_script.
    assert 'id="hotspot-communes"' in page and 'id="hotspot-cells"' in page
    assert "data-hotspot-map" in page


def test_map_filters_by_indicator_and_period(world, login) -> None:  # type: ignore[no-untyped-def]
    tapage = grow(world, 90, seed=1, label="Tapage", month=3)
    grow(world, 40, seed=2, label="Dépôt sauvage", month=4)
    client = login(world.coordinator)
    page = client.get(url(world), {"indicator": tapage.pk}).content.decode()
    assert "<strong>90</strong> faits" in page
    page = client.get(url(world), {"start": "2026-04-01", "end": "2026-04-30"}).content.decode()
    assert "<strong>40</strong> faits" in page
    page = client.get(url(world), {"start": "2026-05-01", "end": "2026-04-01"}).content.decode()
    assert "La date de début doit précéder la date de fin." in page
    # A filter that cannot be read shows no figures, never the unfiltered 130.
    assert "<strong>130</strong> faits" not in page


def test_map_without_geocoded_facts_says_so(world, login) -> None:  # type: ignore[no-untyped-def]
    page = login(world.partner).get(url(world)).content.decode()
    assert "Aucun fait géolocalisé pour ces critères." in page
    assert "data-hotspot-map" not in page


def test_map_query_count_does_not_grow_with_records(
    world, login, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    add_shapes()
    client = login(world.coordinator)
    grow(world, 20, seed=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world)).status_code == 200
    grow(world, 500, seed=2, label="Dépôt sauvage")
    with django_assert_num_queries(len(small)):
        assert client.get(url(world)).status_code == 200


def test_a_single_fact_gives_a_reason_not_a_map(world, login) -> None:  # type: ignore[no-untyped-def]
    grow(world, 1)
    page = login(world.coordinator).get(url(world)).content.decode()
    assert "Un seul événement géolocalisé" in page
    assert "data-hotspot-map" not in page


def test_outsider_gets_404_on_the_map(world, login) -> None:  # type: ignore[no-untyped-def]
    assert login(world.outsider).get(url(world)).status_code == 404


def test_seventeen_facts_flag_nothing_and_say_how_many_are_needed(world, login) -> None:  # type: ignore[no-untyped-def]
    """17 facts, a third of them in one tight cluster: Gi*'s normal approximation used to call
    cells of 1 or 2 facts "point chaud, confiance 99 %"; now nothing is tested under 30."""
    add_shapes()
    grow(world, 17)
    response = login(world.reader).get(url(world))
    page = response.content.decode()
    assert response.context["hot"] == []
    assert (
        "Aucune cellule testée : 17 événements : il en faut au moins 30 pour chercher des points "
        "chauds"
    ) in page
    assert "Point chaud, confiance" not in page.split("Points chauds significatifs")[1]
    assert "data-hotspot-map" in page  # the density is still drawn
