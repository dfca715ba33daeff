"""The member map marks the communes with a priority neighbourhood (thick outline, tooltip),
in Chromium, with the real QPV list imported into the test world."""

import pytest
from playwright.sync_api import Page

from stspd.browser_tests.conftest import assert_accessible
from stspd.browser_tests.test_charts import sign_in
from stspd.context.extracts import DATA_DIR, SHIPPED
from stspd.context.importer import import_context
from stspd.territories.models import Commune, CommuneShape

pytestmark = pytest.mark.browser


def square(lon: float) -> dict[str, object]:
    ring = [[lon, 49.0], [lon + 0.1, 49.0], [lon + 0.1, 49.1], [lon, 49.1], [lon, 49.0]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_member_map_marks_communes_with_a_qpv(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    for index, code in enumerate(["76540", "76575"]):
        commune = Commune.objects.get(code=code)
        CommuneShape.objects.update_or_create(
            commune=commune, defaults={"geometry": square(1 + index / 5), "source": "test"}
        )
    import_context(DATA_DIR / SHIPPED["qpv"], "qpv")
    sign_in(page, client, live_server, world.reader)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/observatoire/epci/200023414/{world.indicator.pk}/")
    shapes = page.locator("[data-observatory-map] path.leaflet-interactive")
    shapes.first.wait_for()
    assert errors == []
    widths = shapes.evaluate_all("(paths) => paths.map((p) => p.getAttribute('stroke-width'))")
    assert widths == ["3", "3"]  # both communes have QPV
    shapes.first.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "quartiers prioritaires" in tooltip.inner_text()


def test_the_context_block_is_accessible(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    for kind in ("filosofi", "qpv", "sru", "ips"):
        import_context(DATA_DIR / SHIPPED[kind], kind)
    import_context(DATA_DIR / SHIPPED["chomage"], "chomage", zones=DATA_DIR / SHIPPED["zones"])
    sign_in(page, client, live_server, world.reader)
    for url in ("/observatoire/commune/76540/", "/observatoire/epci/200023414/"):
        page.goto(f"{live_server.url}{url}")
        assert page.locator("#contexte-titre").is_visible()
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
