"""Public pages cached whole under the data's version (stspd/core/cache.py): computed once, then
read with one query; never stale, since a change through the platform gives a new version; and
their ETag answers a conditional request with a 304 without running the view."""

from unittest import mock

from django.test import Client
from django.urls import reverse

from .helpers import publish


def renamed(world, client, name: str) -> None:  # type: ignore[no-untyped-def]
    """The council renamed by its coordinator through the platform's form."""
    client.force_login(world.coordinator)
    response = client.post(
        reverse("councils:edit", args=[world.council.pk]),
        {"name": name, "president": "Président", "coordinator": str(world.coordinator.pk)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_public_page_is_computed_once_then_read_with_one_query(  # type: ignore[no-untyped-def]
    world, client, django_assert_max_num_queries
) -> None:
    publish(world)
    url = reverse("public:council", args=[world.council.pk])
    first = client.get(url)
    assert first.status_code == 200
    with (
        mock.patch("stspd.public.views.council_publications") as computed,
        django_assert_max_num_queries(1),  # the data version
    ):
        again = client.get(url)
    computed.assert_not_called()
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["ETag"] == first["ETag"]


def test_a_change_through_the_platform_shows_at_the_next_request(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    visitor = Client()
    pages = [
        reverse("public:index"),
        reverse("public:council", args=[world.council.pk]),
        reverse("public:strategy_json", args=[world.council.pk]),
    ]
    before = {url: visitor.get(url) for url in pages}
    assert "CISPD de la Métropole" in before[pages[1]].content.decode()
    renamed(world, client, "CISPD de la Métropole renommé")
    for url in pages:
        after = visitor.get(url, HTTP_IF_NONE_MATCH=before[url]["ETag"])
        assert after.status_code == 200, url
        assert after["ETag"] != before[url]["ETag"]
        assert "CISPD de la Métropole renommé" in after.content.decode(), url


def test_a_conditional_request_is_answered_304_without_running_the_view(world) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    visitor = Client()
    for url in (
        reverse("public:index"),
        reverse("public:council", args=[world.council.pk]),
        reverse("public:indicators_csv", args=[world.council.pk]),
        reverse("public:all_strategies_json", args=[world.council.pk]),
        reverse("public:catalogue"),
    ):
        first = visitor.get(url)
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, no-cache"
        assert "Cookie" in first["Vary"]
        with (
            mock.patch("stspd.public.views.render") as rendered,
            mock.patch("stspd.public.views.publication") as one,
            mock.patch("stspd.public.views.publications") as all_councils,
            mock.patch("stspd.public.views.council_publications") as of_council,
        ):
            again = visitor.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        for view_body in (rendered, one, all_councils, of_council):
            view_body.assert_not_called()
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]
        assert again.content == b""


def test_the_open_data_keep_their_headers_when_cached(world) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    visitor = Client()
    url = reverse("public:indicators_csv", args=[world.council.pk])
    first, again = visitor.get(url), visitor.get(url)
    for header in ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin"):
        assert again[header] == first[header]
    assert again.content == first.content


def test_signed_in_visitors_get_their_own_page_kept_by_no_shared_cache(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    url = reverse("public:council", args=[world.council.pk])
    Client().get(url)  # cached for anonymous visitors
    client.force_login(world.coordinator)
    page = client.get(url)
    assert str(world.coordinator) in page.content.decode()  # the header names them
    assert "ETag" not in page
    assert page["Cache-Control"] == "private, no-cache"
