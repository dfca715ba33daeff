"""A way through the site for each role (issue 14, item 7): from the role's home, a breadth-first
crawl of the links reaches every page the permission matrix lets the role open, and axe-core
finds no violation on any page reached, at 1280 px and at 375 px.

The crawl follows same-origin links (GET) only: no form, no file (DOWNLOADS), no API, no Django
administration. It visits at most `PER_NAME` pages of each URL name (one strategy page tells as
much as ten) and runs axe-core on the first of each, once per URL name for the whole run: the
roles see the same templates, and axe-core at two widths is most of the crawl's time.
"""

from collections import Counter, deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Browser

from stspd.core.tests.test_permissions import EXPECTATIONS, GROUP_EXPECTATIONS, STATE_AGENTS

from .conftest import violations_at_widths
from .test_accessibility import API, DOWNLOADS

pytestmark = pytest.mark.browser

PER_NAME = 3
ROLES = [
    "coordinator",
    "partner",
    "reader",
    "wg_signed",
    "prefecture_agent",
    "national_agent",
    "site_admin",
]
# URL names axe-core has checked in this run (at both widths).
CHECKED: set[str] = set()
# Pages no link of the platform leads to, by design.
NOT_LINKED = {
    # Reached from an e-mail: the link that resets a password, a convocation's secret link.
    "password_reset_confirm",
    "password_reset_done",
    "password_reset_complete",
    "councils:convocation",
    # Steps a form leads to (after a POST), not pages one opens.
    "login_unlock_sent",
    "partnerdata:upload_preview",
    "surveys:thanks",
    # A background job's page: the import's POST leads there, and the upload's page links it
    # while it is queued or running; a finished job is not listed anywhere.
    "jobs:detail",
}
# The questionnaire's link is given to residents by the council (a poster, a letter): the State's
# agents, who have no council page, are never shown it.
STATE_NOT_LINKED = {"surveys:answer"}
# A signed-in person does not sign in again: these are the anonymous visitor's pages.
SIGNED_OUT = {"login", "login_unlock", "login_unlock_request", "password_reset"}
# Pages whose link shows only in another state of their object than the crawl's world has (a
# strategy is in draft, or in force, or deliberated; a survey is a draft or collected...): each is
# linked from a template (checked below), in the state it belongs to.
STATE_DEPENDENT = {
    "steering:new_mandate": "strategy/strategy_detail.html",  # a strategy in force or closed
    "strategy:signature_add": "strategy/adoption/",  # a deliberated strategy
    "strategy:remark_add": "strategy/review/",  # a reviewer, during an open round
    "surveys:open": "surveys/detail.html",  # a draft survey
    "surveys:publish": "surveys/detail.html",  # a survey with results
    "surveys:unpublish": "surveys/detail.html",  # published results
    "surveys:diagnostic": "surveys/detail.html",  # published results
    "surveys:question_add": "surveys/detail.html",  # a survey still editable
    "surveys:question_edit": "surveys/detail.html",
    "surveys:question_delete": "surveys/detail.html",
    "partnerdata:upload_categories": "partnerdata/",  # an upload being mapped
    "funding:application_add": "funding/call.html",  # an open call
    "funding:application_edit": "funding/application.html",  # an application without grant
    "evaluation:intervention_start": "evaluation/objective.html",  # a comparison computed
}
# Files only the site admin gets (the coordinator's are all in DOWNLOADS).
SITE_ADMIN_DOWNLOADS = {"legal_register_csv", "legal_register_xlsx"}
# Never followed: the Django administration is not the platform's interface.
SKIPPED_PREFIXES = ("admin:",)


def status_for(expected: dict[str, int], role: str) -> int:
    return expected.get(role, expected["outsider"]) if role in STATE_AGENTS else expected[role]


def pages_for(role: str) -> set[str]:
    """The URL names of the pages (not files) the matrix lets the role open."""
    names = {
        name
        for name, (_, expected, _query) in EXPECTATIONS.items()
        if status_for(expected, role) == 200
    } | {
        name
        for name, (_, expected) in GROUP_EXPECTATIONS.items()
        if status_for(expected, role) == 200
    }
    return {
        n
        for n in names
        if n not in DOWNLOADS | SITE_ADMIN_DOWNLOADS
        and not n.startswith(API)
        and n not in NOT_LINKED | SIGNED_OUT
        and n not in STATE_DEPENDENT
        and not (role in STATE_AGENTS and n in STATE_NOT_LINKED)
    }


def build_everything(world) -> None:  # type: ignore[no-untyped-def]
    """Every object the matrix reaches, so that the crawl can meet its page."""
    for kwargs, _expected, _query in EXPECTATIONS.values():
        kwargs(world)
    for kwargs, _expected in GROUP_EXPECTATIONS.values():
        kwargs(world)


def url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def crawl(page, base: str):  # type: ignore[no-untyped-def]
    """(URL name -> first URL reached, axe violations, links answering an error)."""
    queue = deque([(reverse("home"), "")])
    queued = {reverse("home")}
    visits: Counter[str] = Counter()
    reached: dict[str, str] = {}
    violations: list[dict[str, object]] = []
    broken: list[str] = []
    while queue:
        url, parent = queue.popleft()
        name = url_name(urlsplit(url).path)
        if (
            name is None
            or name in DOWNLOADS | SITE_ADMIN_DOWNLOADS
            or name == "logout"
            or name.startswith(API)
            or name.startswith(SKIPPED_PREFIXES)
            or visits[name] >= PER_NAME
        ):
            continue
        visits[name] += 1
        response = page.goto(base + url)
        if response is None or response.status != 200:
            broken.append(f"{url} ({response.status if response else '?'}), from {parent}")
            continue
        if name not in reached:
            reached[name] = url
            if name not in CHECKED:
                CHECKED.add(name)
                violations += [v | {"url": url} for v in violations_at_widths(page)]
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            target = urlsplit(urljoin(base + url, href))
            if f"{target.scheme}://{target.netloc}" != base:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in queued:
                queued.add(link)
                queue.append((link, url))
    return reached, violations, broken


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_every_page_it_may_open(  # type: ignore[no-untyped-def]
    live_server, world, browser: Browser, client, settings, tmp_path, role: str
) -> None:
    settings.MEDIA_ROOT = tmp_path
    build_everything(world)
    client.force_login(getattr(world, role))
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        reached, violations, broken = crawl(page, live_server.url)
    finally:
        context.close()
    missing = pages_for(role) - set(reached)
    assert not missing, f"{role} never reaches: {sorted(missing)}"
    assert not broken, f"{role} follows links to errors: {broken}"
    assert not violations, violations


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("name", sorted(STATE_DEPENDENT))
def test_a_page_shown_in_another_state_is_linked_from_its_template(name: str) -> None:
    """What the crawl cannot meet in its world is still linked, from the template named."""
    where = TEMPLATES / STATE_DEPENDENT[name]
    files = [where] if where.is_file() else sorted(where.rglob("*.html"))
    assert any(f"'{name}'" in f.read_text() for f in files), name
