"""A person's data: exported as JSON, erased (anonymised) by the site admin on request."""

import json

from stspd.accounts.models import LoginAttempt, Membership, User
from stspd.accounts.personal_data import ERASED_LABEL, erase, export
from stspd.audit.events import record
from stspd.audit.models import Event
from stspd.conftest import PASSWORD
from stspd.councils.models import CouncilRole, Meeting


def test_the_export_holds_profile_roles_seats_and_what_the_person_wrote(world, login) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.create(user=world.wg_signed, organisation=world.organisation)
    record(world.wg_signed, "updated", world.plenary_meeting, council=world.council)
    response = login(world.wg_signed).get("/comptes/mon-compte/donnees.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profil"]["email"] == "gt-signe@example.org"
    assert "password" not in data["profil"]
    sections = data["données"]
    assert (
        sections["accounts.membership (appartenances)"][0]["organisation"] == world.organisation.pk
    )
    assert sections["councils.councilrole (rôles)"][0]["role"] == "partner"
    seats = sections["councils.formationmember (membres de la formation)"]
    assert seats[0]["charter_signed_on"] == "2026-01-15"
    assert sections["audit.event (événements)"][0]["verb"] == "updated"
    assert "SECRET-MINUTES" not in response.content.decode()  # another's writing, not theirs


def test_the_export_finds_any_model_pointing_to_the_person(world) -> None:  # type: ignore[no-untyped-def]
    """Remarks, measurements... are found from the models: nothing to list by hand."""
    data = export(world.coordinator)
    assert any(key.startswith("councils.council ") for key in data["données"])  # coordinator FK


def test_a_person_asks_for_erasure(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.reader)
    assert "Demander l'effacement" in client.get("/comptes/mon-compte/effacement/").content.decode()
    response = client.post("/comptes/mon-compte/effacement/")
    assert response.status_code == 302
    world.reader.refresh_from_db()
    assert world.reader.erasure_requested_at is not None
    assert Event.objects.filter(verb="erasure_requested", object_id=str(world.reader.pk)).exists()


def test_erasure_anonymises_the_account_and_keeps_what_others_need(world, client) -> None:  # type: ignore[no-untyped-def]
    person = world.wg_signed
    name, email = str(person), person.email
    record(person, "updated", world.plenary_meeting, council=world.council)
    record(
        world.coordinator,
        "member_added",
        person,
        council=world.council,
        changes={"membre": ["", name]},
    )
    client.post("/comptes/connexion/", {"username": email, "password": "faux"})
    events, meetings = Event.objects.count(), Meeting.objects.count()

    erase(person, by=world.site_admin)

    person.refresh_from_db()
    assert str(person) == ERASED_LABEL
    assert person.email.endswith("@stspd.invalid") and not person.is_active
    assert not person.has_usable_password()
    assert not CouncilRole.objects.filter(user=person).exists()
    assert not LoginAttempt.objects.filter(email=email).exists()
    assert Event.objects.count() == events + 1  # the erasure itself
    assert Meeting.objects.count() == meetings
    authored = Event.objects.get(actor=person)
    assert authored.actor_label == ERASED_LABEL
    mention = Event.objects.get(verb="member_added")
    assert mention.changes == {"membre": ["", ERASED_LABEL]}
    everything = json.dumps(list(Event.objects.values()), default=str, ensure_ascii=False)
    assert name not in everything and email not in everything
    # Their seat (a record of the group's charter) stays, anonymised.
    assert world.working_group.members.filter(user=person).exists()
    assert not client.login(username=email, password=PASSWORD)


def test_the_site_admin_erases_from_the_user_list(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.site_admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "erase_accounts", "_selected_action": [world.reader.pk]},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.reader.pk).erased_at is not None
