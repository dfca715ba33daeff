"""Observatory figures computed once per version of the data (stspd/core/cache.py): a cached
page does fewer queries, and a new edition imported shows at the next request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stspd.observatory.importer import import_ssmsi
from stspd.observatory.tests.test_import import HEADER
from stspd.steering.tests.test_dashboard_cache import without_token


def test_a_territory_page_reads_its_figures_from_the_cache(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    for url in ("/observatoire/commune/76540/", "/observatoire/epci/200023414/"):
        with CaptureQueriesContext(connection) as computed:
            first = client.get(url)
        with CaptureQueriesContext(connection) as cached:
            again = client.get(url)
        assert first.status_code == again.status_code == 200
        assert len(cached) < len(computed), url
        assert without_token(again) == without_token(first)


def test_an_imported_edition_shows_at_the_next_request(world, login, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    page = f"/observatoire/commune/76540/{world.indicator.pk}/"
    assert "43,21" not in client.get(page).content.decode()
    path = tmp_path / "donnee-data.gouv-2024-geographie2025-produit-le2025-07-10.csv"
    path.write_text(
        f"{HEADER}\n76540;2023;Destructions et dégradations volontaires;Infraction;4321;"
        '"43,21";diff;100000;2021;50000;2021;NA;NA\n',
        encoding="utf-8",
    )
    import_ssmsi(path)
    assert "43,21" in client.get(page).content.decode()
