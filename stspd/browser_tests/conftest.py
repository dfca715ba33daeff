"""Real Chromium (Debian's package) driven by Playwright for Python, against the live server.

The browser is the system one, installed by `make install-browser`; Playwright never downloads one.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from it, although the test is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-results" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp: axe-core is injected as an inline script, which the site's policy forbids.
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# axe-core runs at a desktop width and at a phone's: tables and menus change layout at 375 px
# (a table too wide scrolls, and a scrolling region must be reachable by keyboard).
WIDTHS = (1280, 375)


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core on the page as it is laid out now; return its violations (every impact)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    violations: list[dict[str, object]] = result["violations"]
    return violations


def violations_at_widths(
    page: Page, *, fail_on: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, object]]:
    """The blocking violations at each of `WIDTHS`, each tagged with its width; the page's
    viewport is put back as it was."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    found = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": size["height"]})
            for v in axe_violations(page):
                if v["impact"] in fail_on:
                    found.append(
                        {
                            "width": width,
                            "id": v["id"],
                            "impact": v["impact"],
                            "help": v["help"],
                            "targets": [n["target"] for n in v["nodes"]][:5],  # type: ignore[attr-defined]
                        }
                    )
    finally:
        page.set_viewport_size(size)
    return found


def assert_accessible(page: Page, *, fail_on: tuple[str, ...] = ("serious", "critical")) -> None:
    """Zero blocking axe-core violations at 1280 px and at 375 px."""
    blocking = violations_at_widths(page, fail_on=fail_on)
    assert not blocking, f"{page.url}: " + json.dumps(blocking, ensure_ascii=False, indent=1)
