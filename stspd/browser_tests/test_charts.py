"""Charts that tell the truth on every screen, measured in Chromium at 1280 px and 375 px.

Each year's value stands above its year; axes and tooltips speak French (1 000, 0,5, months in
French, years only on a yearly axis); a lower bound is a triangle on a dashed segment, "au
moins" in the tooltip; the legend never covers the plot. Screenshots go to
test-results/screenshots/.
"""

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from stspd.steering.tests.test_dashboard import build_cases

from .conftest import screenshot

pytestmark = pytest.mark.browser

# The chart's geometry as the page draws it: axis labels with their centre, the legend's
# items and the plot area, all in pixels of the chart's box.
GEOMETRY = """(element) => {
  const chart = echarts.getInstanceByDom(element);
  const box = element.getBoundingClientRect();
  const rect = (node) => {
    const r = node.getBoundingClientRect();
    return { left: r.left - box.left, right: r.right - box.left, top: r.top - box.top,
      bottom: r.bottom - box.top, text: node.textContent };
  };
  const grid = chart.getModel().getComponent("grid").coordinateSystem.getRect();
  const legendNames = new Set(chart.getOption().legend[0].data.map((d) => d.name || d));
  const texts = Array.from(element.querySelectorAll("text")).map(rect);
  return {
    grid: { left: grid.x, right: grid.x + grid.width, top: grid.y, bottom: grid.y + grid.height },
    legend: texts.filter((t) => legendNames.has(t.text) && t.right > 0 && t.left < box.width),
    labels: texts.filter((t) => !legendNames.has(t.text)),
    series: chart.getOption().series.map((s) => s.name),
  };
}"""

FRENCH_NUMBER = re.compile(r"^-?\d{1,3}([\u202f\u00a0 ]\d{3})*(,\d+)?$")
ENGLISH_MONTHS = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def sign_in(page: Page, client: Any, live_server: Any, user: Any) -> None:
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def check_layout(geometry: dict[str, Any]) -> None:
    assert geometry["legend"], "the legend is drawn"
    for item in geometry["legend"]:
        assert not overlaps(item, geometry["grid"]), f"legend item {item} covers the plot"
    # The value axis' labels: left of the plot, with a digit (the axis' name, a unit, has none).
    values = [
        t["text"]
        for t in geometry["labels"]
        if t["right"] <= geometry["grid"]["left"] + 1 and re.search(r"\d", t["text"])
    ]
    assert values and all(FRENCH_NUMBER.match(v) for v in values), values
    assert not any(ENGLISH_MONTHS.search(t["text"]) for t in geometry["labels"])


@pytest.mark.parametrize("width", [1280, 375])
def test_observatory_chart_puts_each_year_above_its_label_in_french(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client, width
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, client, live_server, world.reader)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/observatoire/epci/200023414/{world.indicator.pk}/")
    element = page.locator("[data-observatory-chart]")
    element.locator("svg").wait_for()
    screenshot(page, f"observatory-chart-{width}")
    assert errors == []
    geometry = element.evaluate(GEOMETRY)
    check_layout(geometry)
    years = {t["text"]: (t["left"] + t["right"]) / 2 for t in geometry["labels"]}
    assert {"2021", "2022", "2023"} <= set(years)
    # Where the chart draws each year's value (its pixel x), against the label's centre.
    drawn = element.evaluate(
        """(element) => {
          const chart = echarts.getInstanceByDom(element);
          const index = chart.getOption().series.findIndex((s) => s.name === "Territoire");
          return ["2021", "2022", "2023"].map(
            (year, i) => chart.convertToPixel({ seriesIndex: index }, [year, 0])[0]);
        }"""
    )
    for year, x in zip(["2021", "2022", "2023"], drawn, strict=True):
        assert abs(years[year] - x) < 2, (year, years[year], x)
    # 2022 is a lower bound (a member commune suppressed): its own dashed series, "au moins".
    assert "Au moins (borne inférieure)" in geometry["series"]
    tooltip = element.evaluate(
        """(element) => {
          const chart = echarts.getInstanceByDom(element);
          const index = chart.getOption().series.findIndex((s) => s.name === "Territoire");
          chart.dispatchAction({ type: "showTip", seriesIndex: index, dataIndex: 1 });
          return element.querySelector("div[style*='z-index']")?.textContent
            || document.body.innerText;
        }"""
    )
    assert "au moins" in tooltip


@pytest.mark.parametrize("width", [1280, 375])
def test_dashboard_charts_speak_french_and_keep_the_legend_off_the_plot(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client, width
) -> None:
    uses = build_cases(world, timezone.localdate())
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, client, live_server, world.coordinator)
    page.goto(live_server.url + reverse("steering:dashboard", args=[world.strategy.pk]))
    element = page.locator(f'[data-dashboard-chart="{uses["on_track"].pk}"]')
    element.locator("svg").wait_for()
    element.scroll_into_view_if_needed()
    screenshot(page, f"dashboard-chart-{width}")
    check_layout(element.evaluate(GEOMETRY))


@pytest.mark.parametrize("width", [1280, 375])
def test_pre_trend_chart_shows_the_leads_in_french(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client, width
) -> None:
    """The evaluation page draws the event study of the pre-period: the commune's gap to its
    comparison communes' path in 2016-2019 relative to 2020 (the panel follows their shape:
    about 0 %), with its 90 % interval, French numbers, the legend off the plot."""
    from stspd.evaluation.tests.conftest import make_panel

    make_panel(world)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, client, live_server, world.reader)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}{reverse('evaluation:objective', args=[world.objective.pk])}")
    element = page.locator("[data-pretrend-chart]")
    element.locator("svg").wait_for()
    screenshot(page, f"pretrend-chart-{width}")
    assert errors == []
    geometry = element.evaluate(GEOMETRY)
    check_layout(geometry)
    assert {"2016", "2017", "2018", "2019"} <= {t["text"] for t in geometry["labels"]}
    assert geometry["series"] == [
        "Écart avant le début",
        "Intervalle à 90 %",
        "Intervalle à 90 %",
    ]
