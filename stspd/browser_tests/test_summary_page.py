"""The elected official's page, as a reader (an elected member) opens it, at 1280 and 375 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_a_reader_reaches_the_summary_from_the_strategy_and_it_is_accessible(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    client.force_login(world.reader)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    page.goto(live_server.url + reverse("strategy:detail", args=[world.strategy.pk]))
    page.get_by_role("link", name="Synthèse pour les élus").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("evaluation:summary", args=[world.strategy.pk]))
    for heading in ("Ce qui était prévu", "Ce qui a été fait", "Ce qui a changé"):
        assert page.get_by_role("heading", name=heading).is_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
