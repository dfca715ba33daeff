"""Sources of a council: list, creation, edition."""

from stspd.audit.models import Event
from stspd.partnerdata.models import Source

from .helpers import make_source


def test_coordinator_creates_a_source_and_an_event_is_written(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/conseils/{world.council.pk}/donnees-partenaires/sources/nouvelle/"
    assert world.organisation.name in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Main courante PM",
            "organisation": world.organisation.pk,
            "kind": "police_logbook",
        },
    )
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/donnees-partenaires/sources/{source.pk}/deposer/"
    assert source.council == world.council
    event = Event.objects.get(verb="created", object_type="partnerdata.source")
    assert event.council == world.council and event.actor == world.coordinator


def test_source_partner_must_sit_in_the_council(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.accounts.models import Organisation

    stranger = Organisation.objects.create(name="Bailleur lointain", kind="bailleur")
    client = login(world.coordinator)
    response = client.post(
        f"/conseils/{world.council.pk}/donnees-partenaires/sources/nouvelle/",
        {"name": "X", "organisation": stranger.pk, "kind": "landlord"},
    )
    assert response.status_code == 200
    assert not Source.objects.exists()


def test_two_sources_cannot_share_a_name(world, login) -> None:  # type: ignore[no-untyped-def]
    make_source(world, "Main courante PM")
    response = login(world.coordinator).post(
        f"/conseils/{world.council.pk}/donnees-partenaires/sources/nouvelle/",
        {"name": "Main courante PM", "organisation": world.organisation.pk, "kind": "other"},
    )
    assert "Une source de ce conseil porte déjà ce nom." in response.content.decode()
    assert Source.objects.count() == 1


def test_reader_reads_sources_but_cannot_create_one(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    client = login(world.reader)
    page = client.get(f"/conseils/{world.council.pk}/donnees-partenaires/").content.decode()
    assert source.name in page
    assert "Nouvelle source" not in page
    assert client.get(f"/donnees-partenaires/sources/{source.pk}/").status_code == 200
    assert (
        client.post(
            f"/conseils/{world.council.pk}/donnees-partenaires/sources/nouvelle/",
            {"name": "Y", "organisation": world.organisation.pk, "kind": "other"},
        ).status_code
        == 403
    )
    assert Source.objects.count() == 1


def test_outsider_does_not_see_the_source(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    client = login(world.outsider)
    assert client.get(f"/donnees-partenaires/sources/{source.pk}/").status_code == 404
    assert client.get(f"/donnees-partenaires/sources/{source.pk}/modifier/").status_code == 404


def test_editing_a_source_records_the_change(world, login) -> None:  # type: ignore[no-untyped-def]
    source = make_source(world)
    login(world.coordinator).post(
        f"/donnees-partenaires/sources/{source.pk}/modifier/",
        {"name": "Main courante 2026", "organisation": world.organisation.pk, "kind": "other"},
    )
    source.refresh_from_db()
    assert source.name == "Main courante 2026"
    event = Event.objects.get(verb="updated", object_type="partnerdata.source")
    assert event.changes["name"] == ["Main courante PM", "Main courante 2026"]


def test_coordinator_renames_a_local_indicator(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.partnerdata.models import LocalIndicator

    indicator = LocalIndicator.objects.create(council=world.council, label="Tapage", unit="fait")
    client = login(world.coordinator)
    response = client.post(
        f"/donnees-partenaires/indicateurs/{indicator.pk}/modifier/",
        {"label": "Incivilités signalées à la police municipale", "unit": "signalement"},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.label, indicator.unit) == (
        "Incivilités signalées à la police municipale",
        "signalement",
    )
    event = Event.objects.get(object_type="partnerdata.localindicator", verb="updated")
    assert event.changes["label"] == ["Tapage", "Incivilités signalées à la police municipale"]
    assert (
        login(world.reader)
        .post(
            f"/donnees-partenaires/indicateurs/{indicator.pk}/modifier/",
            {"label": "X", "unit": "y"},
        )
        .status_code
        == 403
    )
    assert (
        login(world.outsider)
        .get(f"/donnees-partenaires/indicateurs/{indicator.pk}/modifier/")
        .status_code
        == 404
    )
