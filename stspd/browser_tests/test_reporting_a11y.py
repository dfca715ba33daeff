"""The reporting pages of a strategy in force, with values and errors shown, checked by axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from stspd.steering.enums import MeasurementStatus
from stspd.steering.tests.reporting_helpers import in_force, measure, quarter

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_reporting_pages_have_no_accessibility_violation(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    in_force(world)
    value = measure(
        world.use,
        quarter(world, 1),
        12,
        status=MeasurementStatus.SUBMITTED,
        warning="Inhabituelle.",
    )
    measure(
        world.use,
        quarter(world, 2),
        14,
        status=MeasurementStatus.RETURNED,
        review_comment="Vérifier",
    )
    client.force_login(world.partner)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    report = reverse("steering:report", args=["action", world.use.pk])
    for url in [reverse("steering:my_reporting", args=[world.council.pk]), report]:
        page.goto(live_server.url + url)
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    # A refused value: the error is shown beside its field.
    page.goto(live_server.url + report)
    page.fill("#id_value", "douze")
    page.click("button[type=submit] >> text=Transmettre")
    # expect() waits for the answer page; page.content() read during the navigation is empty.
    expect(page.get_by_text("n'est pas un nombre").first).to_be_visible()
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))

    client.force_login(world.coordinator)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    for url in [
        reverse("steering:values", args=[world.strategy.pk]),
        reverse("steering:measurement", args=[value.pk]),
    ]:
        page.goto(live_server.url + url)
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
