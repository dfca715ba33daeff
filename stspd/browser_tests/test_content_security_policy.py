"""The content security policy, enforced by Chromium, breaks no page: every page of the
coordinator loads with no violation and no script error, and the charts and maps still draw.

The other browser tests bypass the policy (axe-core is injected as an inline script); this one
keeps it, and runs axe-core through the DevTools protocol, which the policy does not govern.
"""

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page

from stspd.partnerdata.tests.helpers import make_source

from .conftest import AXE
from .test_accessibility import coordinator_pages

pytestmark = pytest.mark.browser

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    event.violatedDirective + " " + event.blockedURI + " " +
      event.sourceFile + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def strict_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(LISTENER)
    yield page
    context.close()


def violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__cspViolations || []")
    return found


def test_every_page_of_the_coordinator_works_under_the_policy(  # type: ignore[no-untyped-def]
    live_server, world, strict_page: Page, client
) -> None:
    page = strict_page
    client.force_login(world.coordinator)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    urls = coordinator_pages(world)
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert violations(page) == [], url
    assert errors == []


def test_charts_maps_and_axe_run_under_the_policy(  # type: ignore[no-untyped-def]
    live_server, world, strict_page: Page, client
) -> None:
    page = strict_page
    make_source(world)
    client.force_login(world.coordinator)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    url = reverse(
        "observatory:indicator",
        kwargs={"kind": "conseil", "key": world.council.pk, "indicator_id": world.indicator.pk},
    )
    page.goto(live_server.url + url)
    page.locator("[data-observatory-chart] canvas, [data-observatory-chart] svg").first.wait_for()
    page.goto(live_server.url + reverse("partnerdata:map", args=[world.council.pk]))
    page.wait_for_load_state("load")
    assert violations(page) == []
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    assert "violations" in result
    assert violations(page) == []
    # The policy is really enforced, and the listener really hears it: an inline script is
    # blocked and reported.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("(window.__cspViolations || []).length > 0")
    assert not page.evaluate("window.__ran")
    assert violations(page)[0].startswith("script-src")
