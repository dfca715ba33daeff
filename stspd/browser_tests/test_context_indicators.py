"""Context indicators of a strategy in Chromium: beside the result indicator they explain on the
tableau de bord and on the objective's evaluation page, a censored rate "≤ 5 %", checked by
axe-core (screenshots in test-results/screenshots/)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from stspd.steering.tests.test_context_indicators import context_use, result_use
from stspd.steering.tests.test_context_indicators import with_context as with_context  # fixture

from .conftest import assert_accessible, screenshot
from .test_charts import sign_in

pytestmark = pytest.mark.browser


def test_context_indicators_sit_beside_their_result_indicator(  # type: ignore[no-untyped-def]
    live_server, with_context, page: Page, client
) -> None:
    world = with_context
    result = result_use(world)
    for source, commune in (
        ("poverty_rate", "76540"),
        ("unemployment_rate", "76540"),
        ("poverty_rate", "76116"),
    ):
        context_use(world, source, commune).explains.set([result])
    context_use(world, "median_income")  # the council's communes: their distribution
    sign_in(page, client, live_server, world.coordinator)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("steering:dashboard", args=[world.strategy.pk]))
    contexts = page.locator("section.stspd-context")
    assert contexts.count() == 4
    assert "≤ 5 %" in contexts.nth(2).inner_text().replace("\u202f", " ")
    assert errors == []
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    screenshot(page, "context-indicators-dashboard")
    page.goto(live_server.url + reverse("evaluation:objective", args=[world.objective.pk]))
    assert page.locator("#contextes").is_visible()
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    screenshot(page, "context-indicators-evaluation")
    page.goto(live_server.url + reverse("strategy:objective", args=[world.objective.pk]))
    assert "Éclaire : « Destructions" in page.locator("#indicateurs ~ div table").first.inner_text()
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    screenshot(page, "context-indicators-objective")
    page.goto(
        live_server.url + reverse("strategy:objective_indicator_add", args=[world.objective.pk])
    )
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    screenshot(page, "context-indicators-add-form")
