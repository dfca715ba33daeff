"""A working group's content reaches only its members who signed the charter."""

from stspd.audit.models import Event
from stspd.councils.models import CouncilRole, FormationMember

SECRETS = ("SECRET-MINUTES", "SECRET-DECISION")


def plenary_pages(world) -> list[str]:  # type: ignore[no-untyped-def]
    council = world.council.pk
    return [
        "/",
        f"/conseils/{council}/",
        f"/conseils/{council}/decisions/",
        f"/conseils/{council}/decisions/?etat=toutes",
        f"/conseils/{council}/journal/",
        f"/formations/{world.plenary.pk}/",
        f"/seances/{world.plenary_meeting.pk}/",
    ]


def test_plenary_pages_never_show_working_group_content(world, login) -> None:  # type: ignore[no-untyped-def]
    # Even for a signed member, plenary pages stay plenary: the group's content is never mixed in.
    for who in (world.coordinator, world.wg_signed, world.site_admin):
        client = login(who)
        for url in plenary_pages(world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            content = response.content.decode()
            for secret in SECRETS:
                assert secret not in content, f"{secret} in {url} for {who}"


def test_the_group_page_shows_its_content_to_signed_members_only(world, login) -> None:  # type: ignore[no-untyped-def]
    url = f"/seances/{world.group_meeting.pk}/"
    assert "SECRET-MINUTES" in login(world.wg_signed).get(url).content.decode()
    response = login(world.wg_unsigned).get(url)
    assert response.status_code == 403
    assert "SECRET-MINUTES" not in response.content.decode()


def test_each_read_of_group_content_is_logged(world, login) -> None:  # type: ignore[no-untyped-def]
    login(world.wg_signed).get(f"/seances/{world.group_meeting.pk}/")
    event = Event.objects.get(verb="read")
    assert event.actor == world.wg_signed
    assert event.confidential
    assert event.formation == world.working_group


def test_signing_the_charter_opens_the_group(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.wg_unsigned)
    group = world.working_group
    assert client.get(f"/formations/{group.pk}/").status_code == 403
    charter = client.get(f"/formations/{group.pk}/charte/").content.decode()
    assert "Je ne divulgue rien." in charter
    assert "SECRET-MINUTES" not in charter

    response = client.post(f"/formations/{group.pk}/charte/")
    assert response.status_code == 302
    seat = FormationMember.objects.get(formation=group, user=world.wg_unsigned)
    assert seat.charter_signed_on is not None
    assert Event.objects.filter(verb="charter_signed", actor=world.wg_unsigned).exists()
    assert client.get(f"/formations/{group.pk}/").status_code == 200


def test_group_events_are_listed_only_for_signed_members(world, login) -> None:  # type: ignore[no-untyped-def]
    coordinator = login(world.coordinator)
    coordinator.post(
        f"/seances/{world.group_meeting.pk}/modifier/",
        {"starts_at": "2026-03-12T14:00", "place": "Commissariat", "minutes": "SECRET-EDIT"},
    )
    journal = f"/conseils/{world.council.pk}/journal/"
    assert "SECRET-EDIT" in coordinator.get(journal).content.decode()

    # Another coordinator of the same council, not in the group, does not see those events.
    CouncilRole.objects.filter(council=world.council, user=world.partner).update(role="coordinator")
    content = login(world.partner).get(journal).content.decode()
    assert "SECRET-EDIT" not in content
    assert "GT violences intrafamiliales" not in content


def test_a_new_working_group_needs_its_creator_to_sign_too(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/conseils/{world.council.pk}/groupes/nouveau/",
        {
            "name": "GT Madrillet",
            "scope": "territorial",
            "description": "Quartier",
            "charter": "Confidentialité",
        },
    )
    seat = FormationMember.objects.get(formation__name="GT Madrillet")
    assert response["Location"] == f"/formations/{seat.formation_id}/charte/"
    assert seat.user == world.coordinator and seat.charter_signed_on is None
    assert client.get(f"/formations/{seat.formation_id}/").status_code == 403


def test_a_working_group_needs_a_charter(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).post(
        f"/conseils/{world.council.pk}/groupes/nouveau/",
        {"name": "GT sans charte", "scope": "thematic"},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


def test_who_signs_a_charter_is_not_told_to_coordinators_outside_the_group(world, login) -> None:  # type: ignore[no-untyped-def]
    login(world.wg_unsigned).post(f"/formations/{world.working_group.pk}/charte/")
    CouncilRole.objects.filter(council=world.council, user=world.partner).update(role="coordinator")
    content = login(world.partner).get(f"/conseils/{world.council.pk}/journal/").content.decode()
    assert "Nicolas Petit" not in content
    assert "signature de la charte" not in content


def test_forms_of_group_content_log_a_read_too(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.coordinator).get(f"/decisions/{world.group_decision.pk}/modifier/")
    assert "SECRET-DECISION" in response.content.decode()
    event = Event.objects.get(verb="read")
    assert event.object_type == "councils.decision" and event.confidential


def test_removing_a_role_removes_the_seats_and_their_signatures(world, login) -> None:  # type: ignore[no-untyped-def]
    role = CouncilRole.objects.get(council=world.council, user=world.wg_signed)
    client = login(world.coordinator)
    assert (
        "GT violences intrafamiliales"
        in client.get(f"/roles/{role.pk}/supprimer/").content.decode()
    )
    client.post(f"/roles/{role.pk}/supprimer/")
    assert not FormationMember.objects.filter(user=world.wg_signed).exists()
    # Given a role again later, the person does not get the group back without a new seat.
    CouncilRole.objects.create(council=world.council, user=world.wg_signed, role="reader")
    response = login(world.wg_signed).get(f"/seances/{world.group_meeting.pk}/")
    assert response.status_code == 403
    assert Event.objects.filter(verb="member_removed", confidential=True).count() == 1


def test_a_new_charter_text_must_be_signed_again_by_everyone(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    group = world.working_group
    response = client.post(
        f"/formations/{group.pk}/modifier/",
        {"name": group.name, "scope": "thematic", "charter": "Nouveau texte"},
    )
    assert response["Location"] == f"/formations/{group.pk}/charte/"
    assert not FormationMember.objects.filter(
        formation=group, charter_signed_on__isnull=False
    ).exists()
    assert login(world.wg_signed).get(f"/formations/{group.pk}/").status_code == 403


def test_a_member_who_has_not_signed_is_led_to_the_charter(world, login) -> None:  # type: ignore[no-untyped-def]
    group = world.working_group
    charter = f'href="/formations/{group.pk}/charte/"'
    urls = [
        f"/formations/{group.pk}/",
        f"/seances/{world.group_meeting.pk}/",
        f"/decisions/{world.group_decision.pk}/modifier/",
    ]
    for url in urls:
        response = login(world.wg_unsigned).get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert charter in page, url
        assert "SECRET-MINUTES" not in page
    # Who is not a member of the group is refused with no charter to sign.
    for who in (world.partner, world.reader):
        response = login(who).get(urls[0])
        assert response.status_code == 403
        assert charter not in response.content.decode()
