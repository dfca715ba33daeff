"""A working group's meetings never leave the group: not through a convocation's link, a
calendar invitation or feed, nor the public page."""

import pytest
from django.urls import reverse

from stspd.councils.models import Meeting
from stspd.public.tests.helpers import publish

from .meeting_helpers import document, feed, future_meeting, recipient

SECRETS = ["SECRET-MINUTES", "SECRET-AGENDA", "SECRET-DOC", "SECRET-PLACE"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def test_working_group_content_never_reaches_convocations_feeds_or_public_pages(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    Meeting.objects.filter(pk=world.group_meeting.pk).update(
        agenda="SECRET-AGENDA", place="SECRET-PLACE"
    )
    secret_document = document(world.group_meeting, "SECRET-DOC")
    plenary = future_meeting(world)
    document(plenary, "Projet de stratégie")
    convened = recipient(world, plenary)
    publish(world)  # the council's public page exists once a strategy is adopted
    pages = [
        reverse("councils:convocation", args=[convened.token]),
        reverse("councils:convocation_ics", args=[convened.token]),
        reverse("councils:calendar_feed", args=[feed(world.reader).token]),
        reverse("councils:calendar_feed", args=[feed(world.partner).token]),
        reverse("councils:calendar_feed", args=[feed(world.wg_unsigned).token]),
        reverse("public:council", args=[world.council.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text, (url, secret)
    # A working group's document is not reached through a plenary convocation's link.
    url = reverse("councils:convocation_document", args=[convened.token, secret_document.pk])
    assert client.get(url).status_code == 404
    # The signed member's own feed has it: it is theirs.
    mine = client.get(reverse("councils:calendar_feed", args=[feed(world.wg_signed).token]))
    assert "SECRET-AGENDA" in mine.content.decode()
