"""The tableau de bord in Chromium: every status, its charts drawn, checked by axe-core."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from stspd.steering.tests.test_dashboard import build_cases

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_dashboard_draws_its_charts_and_has_no_accessibility_violation(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    uses = build_cases(world, timezone.localdate())
    client.force_login(world.coordinator)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("steering:dashboard", args=[world.strategy.pk]))
    chart = page.locator(f'[data-dashboard-chart="{uses["suppressed"].pk}"] svg')
    chart.wait_for()
    assert errors == []
    assert (
        page.locator("[data-dashboard-chart] svg").count()
        == page.locator("[data-dashboard-chart]").count()
    )
    assert "non diffusé" in chart.inner_html()  # the suppressed month is a labelled band
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    for name in ["steering:dashboard_settings", "steering:dashboard_agenda"]:
        page.goto(live_server.url + reverse(name, args=[world.strategy.pk]))
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
