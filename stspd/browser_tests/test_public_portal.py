"""The public portal in Chromium, signed out: axe-core finds nothing, the keyboard alone reaches
a territory's results, and a 320 px wide screen never scrolls sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from stspd.public.tests.test_confidentiality import seed

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser
ALL_LEVELS = ("minor", "moderate", "serious", "critical")


def public_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("public:index"),
        reverse("public:index") + "?q=metropole",
        reverse("public:index") + "?q=inconnu",
        reverse("public:council", args=[world.council.pk]),
        reverse("public:archive", args=[world.council.pk, world.strategy.pk]),
        reverse("public:funds", args=[world.council.pk]),
        reverse("public:archive_funds", args=[world.council.pk, world.strategy.pk]),
    ]


def test_public_pages_have_no_accessibility_violation(live_server, world, page: Page) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for url in public_pages(world):
        page.goto(live_server.url + url)
        if "financements" in url:
            pass  # tables only: nothing drawn by a script
        elif "/public/" + str(world.council.pk) + "/" in url:
            page.locator("[data-dashboard-chart] svg").first.wait_for()
        elif "inconnu" not in url:
            page.locator("[data-public-map] path.leaflet-interactive").first.wait_for()
        assert_accessible(page, fail_on=ALL_LEVELS)
        screenshot(page, "public-" + url.strip("/").replace("/", "-").replace("?", "-"))
    assert errors == []


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} never reached with Tab")


def test_keyboard_only_from_the_index_to_a_territorys_results(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    seed(world)
    page.goto(live_server.url + reverse("public:index"))
    tab_to(page, "#q")
    page.keyboard.type("metropole")
    page.keyboard.press("Enter")
    page.wait_for_url("**/public/?q=metropole")
    council = reverse("public:council", args=[world.council.pk])
    tab_to(page, f'a[href="{council}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{council}")
    tab_to(page, 'a[href="#resultats"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{council}#resultats")
    assert page.locator("#resultats").is_visible()


def test_public_pages_fit_a_320_px_screen(live_server, world, page: Page) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    page.set_viewport_size({"width": 320, "height": 640})
    for url in public_pages(world):
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
