"""Every page the coordinator can open, checked by axe-core in Chromium."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from stspd.core.tests.test_permissions import EXPECTATIONS, GROUP_EXPECTATIONS

from .conftest import assert_accessible

pytestmark = pytest.mark.browser

# Files, not pages: a browser downloads them.
DOWNLOADS = {
    "health",
    "account_data",
    "councils:events_csv",
    "observatory:csv",
    "observatory:diagnostic_pdf",
    "strategy:document_pdf",
    "strategy:document_docx",
    "strategy:document_json",
    "strategy:plan_xlsx",
    "steering:dashboard_pdf",
    "evaluation:funds_xlsx",
    "evaluation:funds_csv",
    "evaluation:annual_pdf",
    "evaluation:annual_docx",
    "evaluation:final_pdf",
    "evaluation:final_docx",
    "evaluation:action_sheet",
    "obligations:yearly_return_pdf",
    "obligations:yearly_return_xlsx",
    "public:catalogue",
    "public:strategy_pdf",
    "public:annual_report",
    "public:strategy_csv",
    "public:strategy_json",
    "public:indicators_csv",
    "public:indicators_json",
    "public:archive_pdf",
    "public:archive_report",
    "public:archive_strategy_csv",
    "public:archive_strategy_json",
    "public:archive_indicators_csv",
    "public:archive_indicators_json",
    "public:funds_csv",
    "public:funds_json",
    "public:archive_funds_csv",
    "public:archive_funds_json",
    "public:all_strategies_csv",
    "public:all_strategies_json",
    "public:all_indicators_csv",
    "public:all_indicators_json",
    "councils:meeting_document",
    "councils:convocation_document",
    "councils:convocation_ics",
    "councils:calendar_feed",
    "surveys:results_csv",
    "surveys:report_pdf",
    "funding:opinions_pdf",
    "funding:opinions_xlsx",
    "funding:application_pdf",
    "funding:application_xlsx",
}
# The API answers JSON to programs, not pages to people.
API = "api:"


def coordinator_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    """Every page (not file) the coordinator opens: plenary objects, then working-group ones."""
    return [
        reverse(name, kwargs=kwargs(world)) + query
        for name, (kwargs, expected, query) in EXPECTATIONS.items()
        if expected["coordinator"] == 200 and name not in DOWNLOADS and not name.startswith(API)
    ] + [
        reverse(name, kwargs=kwargs(world))
        for name, (kwargs, expected) in GROUP_EXPECTATIONS.items()
        if expected["coordinator"] == 200 and name not in DOWNLOADS
    ]


def test_downloads_lists_every_file_the_coordinator_gets(world, client) -> None:  # type: ignore[no-untyped-def]
    """A new file URL missing from DOWNLOADS would make Chromium start a download instead of
    showing a page; found here by the test client, with a clear message, not in the browser."""
    client.force_login(world.coordinator)
    files = set()
    for name, (kwargs, expected, query) in EXPECTATIONS.items():
        if expected["coordinator"] == 200 and not name.startswith(API):
            response = client.get(reverse(name, kwargs=kwargs(world)) + query)
            if not response.get("Content-Type", "").startswith("text/html"):
                files.add(name)
    assert files == DOWNLOADS


def test_every_page_of_the_coordinator_has_no_accessibility_violation(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    client.force_login(world.coordinator)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    urls = coordinator_pages(world)
    assert len(urls) > 30
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))


def test_the_legal_pages_have_no_accessibility_violation(live_server, page: Page) -> None:  # type: ignore[no-untyped-def]
    for name in ("legal_notice", "legal_personal_data", "legal_accessibility"):
        response = page.goto(live_server.url + reverse(name))
        assert response is not None and response.status == 200, name
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))


def test_the_approval_pages_and_the_429_page_have_no_accessibility_violation(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client, settings
) -> None:
    from stspd.councils.workflow import create_council

    pending = create_council(
        world.free_commune, name="CLSPD de Dieppe", president="Maire", by=world.outsider
    )
    client.force_login(world.site_admin)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    for url in [reverse("home"), reverse("councils:approval", args=[pending.pk])]:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
    page.context.clear_cookies()
    settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE = 0
    response = page.goto(live_server.url + reverse("public:catalogue"))
    assert response is not None and response.status == 429
    assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
