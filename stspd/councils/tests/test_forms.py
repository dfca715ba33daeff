"""Bad input is refused with a clear French message, and nothing is stored."""

from stspd.accounts.models import Organisation
from stspd.audit.models import Event
from stspd.councils.models import CouncilMember, CouncilRole, Decision, FormationMember, Meeting


def test_a_duplicate_organisation_is_refused_whatever_its_case(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/conseils/{world.council.pk}/organisations/nouvelle/",
        {"name": "PRÉFECTURE de la Seine-Maritime", "kind": "prefecture"},
    )
    assert response.status_code == 200
    assert (
        "Une organisation porte déjà ce nom : « Préfecture de la Seine-Maritime »."
        in response.content.decode()
    )
    assert Organisation.objects.count() == 1


def test_a_new_organisation_is_created_and_offered_as_member(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/conseils/{world.council.pk}/organisations/nouvelle/",
        {"name": "Association de médiation sociale", "kind": "association"},
    )
    organisation = Organisation.objects.get(name="Association de médiation sociale")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?organisation={organisation.pk}")
    assert Event.objects.filter(verb="created", object_type="accounts.organisation").exists()


def test_a_member_added_twice_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/conseils/{world.council.pk}/membres/ajouter/",
        {"organisation": world.organisation.pk, "representative": "Préfet", "basis": "by_right"},
    )
    assert response.status_code == 200
    assert "Cette organisation est déjà membre du conseil." in response.content.decode()
    assert CouncilMember.objects.filter(council=world.council).count() == 1


def test_the_same_organisation_may_sit_in_two_councils(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.outsider)
    response = client.post(
        f"/conseils/{world.other_council.pk}/membres/ajouter/",
        {"organisation": world.organisation.pk, "representative": "Préfet", "basis": "by_right"},
    )
    assert response.status_code == 302
    assert CouncilMember.objects.filter(organisation=world.organisation).count() == 2


def test_a_working_group_member_added_twice_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/formations/{world.working_group.pk}/membres/ajouter/", {"user": world.wg_signed.pk}
    )
    assert response.status_code == 200
    assert "Cette personne est déjà membre de cette formation." in response.content.decode()
    assert FormationMember.objects.filter(formation=world.working_group).count() == 3


def test_only_people_of_the_council_can_join_a_working_group(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/formations/{world.working_group.pk}/membres/ajouter/", {"user": world.outsider.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not FormationMember.objects.filter(user=world.outsider).exists()


def test_a_meeting_date_out_of_range_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    before = Meeting.objects.count()
    for day in ("1999-05-01T10:00", "2099-05-01T10:00"):
        response = client.post(
            f"/formations/{world.plenary.pk}/seances/nouvelle/",
            {"starts_at": day, "place": "Rouen"},
        )
        assert response.status_code == 200
        assert "La date doit être comprise entre le 05/03/2007 et le" in response.content.decode()
    response = client.post(
        f"/formations/{world.plenary.pk}/seances/nouvelle/", {"starts_at": "demain", "place": ""}
    )
    content = response.content.decode()
    assert "Saisissez une date et une heure valides." in content
    assert "Ce champ est obligatoire." in content
    assert Meeting.objects.count() == before


def test_a_meeting_is_created_and_logged(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/formations/{world.plenary.pk}/seances/nouvelle/",
        {"starts_at": "2026-12-10T14:30", "place": "Hôtel de la Métropole", "agenda": "Bilan"},
    )
    meeting = Meeting.objects.get(place="Hôtel de la Métropole")
    assert response["Location"] == f"/seances/{meeting.pk}/"
    event = Event.objects.get(object_type="councils.meeting", object_id=str(meeting.pk))
    assert event.actor == world.coordinator
    assert event.council == world.council
    assert event.verb == "created"


def test_a_decision_cannot_fall_due_before_its_meeting(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/seances/{world.plenary_meeting.pk}/decisions/ajouter/",
        {"text": "Agir", "owner": world.organisation.pk, "due_on": "2026-01-01", "status": "open"},
    )
    assert "chéance ne peut pas précéder la séance du 12/03/2026." in response.content.decode()
    assert Decision.objects.count() == 2


def test_a_decision_owner_must_sit_in_the_council(world, login) -> None:  # type: ignore[no-untyped-def]
    stranger = Organisation.objects.create(name="Mairie du Havre", kind="mairie")
    client = login(world.coordinator)
    response = client.post(
        f"/seances/{world.plenary_meeting.pk}/decisions/ajouter/",
        {"text": "Agir", "owner": stranger.pk, "due_on": "2026-07-01", "status": "open"},
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Decision.objects.count() == 2


def test_following_up_a_decision_records_what_changed(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    decision = world.plenary_decision
    response = client.post(
        f"/decisions/{decision.pk}/modifier/",
        {
            "text": decision.text,
            "owner": world.organisation.pk,
            "due_on": "2026-06-01",
            "status": "done",
            "follow_up": "Diffusé le 20 mai",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "done"
    event = Event.objects.get(object_type="councils.decision", verb="updated")
    assert event.changes == {
        "status": ["À faire", "Réalisée"],
        "follow_up": ["", "Diffusé le 20 mai"],
    }


def test_giving_a_role_twice_is_refused(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = client.post(
        f"/conseils/{world.council.pk}/roles/ajouter/",
        {"email": "LECTEUR@example.org", "first_name": "R", "last_name": "B", "role": "partner"},
    )
    assert "Cette personne a déjà un rôle dans ce conseil." in response.content.decode()
    assert CouncilRole.objects.get(council=world.council, user=world.reader).role == "reader"


def test_giving_a_role_to_a_new_person_creates_the_account_and_invites_them(  # type: ignore[no-untyped-def]
    world, login, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client = login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/conseils/{world.council.pk}/roles/ajouter/",
            {
                "email": "nouvelle@example.org",
                "first_name": "Inès",
                "last_name": "Roux",
                "organisation": world.organisation.pk,
                "role": "partner",
            },
        )
    assert response.status_code == 302
    role = CouncilRole.objects.get(user__email="nouvelle@example.org")
    assert role.role == "partner"
    assert not role.user.has_usable_password()
    assert role.user.memberships.get().organisation == world.organisation
    assert len(mailoutbox) == 1
    assert "/comptes/mot-de-passe/nouveau/" in mailoutbox[0].body


def test_deleting_a_meeting_first_lists_what_goes_with_it(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/seances/{world.plenary_meeting.pk}/supprimer/"
    page = client.get(url).content.decode()
    assert "Décisions : 1" in page
    assert Meeting.objects.filter(pk=world.plenary_meeting.pk).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=world.plenary_meeting.pk).exists()
    assert not Decision.objects.filter(pk=world.plenary_decision.pk).exists()
    event = Event.objects.get(verb="deleted", object_type="councils.meeting")
    assert event.actor == world.coordinator
    assert event.object_label.startswith("Formation plénière")


def test_a_coordinator_cannot_remove_their_own_coordination(world, login) -> None:  # type: ignore[no-untyped-def]
    role = CouncilRole.objects.get(council=world.council, user=world.coordinator)
    response = login(world.coordinator).post(f"/roles/{role.pk}/supprimer/")
    assert response.status_code == 403
    assert CouncilRole.objects.filter(pk=role.pk).exists()


def test_the_meeting_horizon_survives_29_february() -> None:
    import datetime

    from stspd.councils.forms import years_later

    assert years_later(datetime.date(2028, 2, 29), 3) == datetime.date(2031, 2, 28)
    assert years_later(datetime.date(2026, 11, 30), 3) == datetime.date(2029, 11, 30)


def test_no_council_for_a_municipal_arrondissement(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.territories.models import Commune

    marseille = Commune.objects.get(code="76540")
    Commune.objects.create(
        code="13201",
        name="Marseille 1er",
        kind="arrondissement",
        departement=marseille.departement,
        parent=None,
        population=1,
        search_name="marseille 1er",
    )
    response = login(world.partner).post(
        "/conseils/nouveau/?commune=13201", {"name": "CLSPD", "president": "Maire"}
    )
    assert response.status_code == 404


def test_an_invited_person_can_ask_for_a_new_link(world, client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    from stspd.accounts.models import User

    invited = User.objects.create_user(email="invitee@example.org")
    assert not invited.has_usable_password()
    client.post("/comptes/mot-de-passe/oubli/", {"email": "Invitee@example.org"})
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["invitee@example.org"]


def test_addresses_are_stored_in_lower_case_whoever_saves_them(db) -> None:  # type: ignore[no-untyped-def]
    from stspd.accounts.models import User

    user = User(email="Mixed@Example.ORG")
    user.save()
    assert User.objects.get(pk=user.pk).email == "mixed@example.org"


def test_a_decision_keeps_its_owner_after_the_owner_left_the_council(world, login) -> None:  # type: ignore[no-untyped-def]
    world.member.delete()
    decision = world.plenary_decision
    response = login(world.coordinator).post(
        f"/decisions/{decision.pk}/modifier/",
        {
            "text": decision.text,
            "owner": world.organisation.pk,
            "due_on": "2026-06-01",
            "status": "done",
            "follow_up": "",
        },
    )
    assert response.status_code == 302
