"""A partner creates an API token with the keyboard alone, sees its secret once, and the page
(with its table of tokens) has no accessibility violation; the token then reads the API."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from .conftest import assert_accessible
from .test_public_portal import ALL_LEVELS, tab_to

pytestmark = pytest.mark.browser


def test_a_token_is_created_with_the_keyboard_and_works(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    client.force_login(world.partner)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    page.goto(live_server.url + reverse("tokens:list"))
    tab_to(page, "#id_name")
    page.keyboard.type("Tableur de la police municipale")
    # "Lecture" is ticked by default; Tab to "Saisie" and tick it with the space bar.
    tab_to(page, "#id_scopes_1")
    page.keyboard.press("Space")
    tab_to(page, "#creer-jeton")
    page.keyboard.press("Enter")
    secret = page.locator("#jeton-secret").inner_text()
    assert secret.startswith("stspd_")
    assert page.get_by_role("cell", name="Tableur de la police municipale", exact=True).is_visible()
    assert_accessible(page, fail_on=ALL_LEVELS)
    me = page.request.get(
        live_server.url + "/api/moi", headers={"Authorization": f"Bearer {secret}"}
    ).json()
    assert me["portees"] == ["lecture", "saisie"]
