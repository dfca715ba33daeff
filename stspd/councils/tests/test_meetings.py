"""A meeting's life: members' attendance and quorum, convocation with its calendar invitation,
answers, reminders, documents, minutes approved and frozen, decisions and their kinds."""

import datetime
import io

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.models import Organisation
from stspd.audit.models import Event
from stspd.councils import convocations
from stspd.councils.convocations import MeetingRefused
from stspd.councils.enums import (
    ConvocationAnswer,
    DecisionKind,
    MemberBasis,
    MemberPresence,
)
from stspd.councils.models import (
    ConvocationRecipient,
    CouncilMember,
    Decision,
    Meeting,
    MeetingDocument,
    MemberAttendance,
    Representative,
)

from .meeting_helpers import PDF, document, future_meeting, representative
from .meeting_helpers import feed as feed_of


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def add_members(world, count: int) -> list[Organisation]:  # type: ignore[no-untyped-def]
    """`count` more member organisations, each with a titular representative with an address."""
    organisations = []
    first = Organisation.objects.count()
    for i in range(first, first + count):
        organisation = Organisation.objects.create(name=f"Membre {i:02d}", kind="association")
        member = CouncilMember.objects.create(
            council=world.council,
            organisation=organisation,
            representative=f"Personne {i}",
            basis=MemberBasis.DESIGNATED,
        )
        Representative.objects.create(
            member=member, name=f"Personne {i}", email=f"membre{i}@example.org"
        )
        organisations.append(organisation)
    return organisations


def parse_invitation(message) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    (name, content, mimetype) = message.attachments[0]
    assert name == "convocation.ics"
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


# Convocation ---------------------------------------------------------------------------------


def test_convocation_is_mailed_with_an_invitation_calendars_read(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    meeting = future_meeting(world)
    meeting.video_link = "https://visio.example.org/cispd"
    meeting.agenda = "1. Bilan; 2. Avis, FIPD\n3. Questions"
    meeting.save()
    representative(world)
    add_members(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        sent = convocations.convene(meeting, by=world.coordinator, site_url="https://stspd.test")
    assert len(sent.recipients) == 3
    assert len(mail.outbox) == 3
    message = next(m for m in mail.outbox if m.to == ["sous-prefet@example.org"])
    assert "Préfecture de la Seine-Maritime" in message.body
    recipient = ConvocationRecipient.objects.get(
        meeting=meeting, representative__name="Jeanne Roux"
    )
    assert f"https://stspd.test/convocation/{recipient.token}/" in message.body
    event = parse_invitation(message).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@stspd"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.starts_at + datetime.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Hôtel de ville (https://visio.example.org/cispd)"
    # Escaped on the way out, whole again once parsed.
    assert str(event["DESCRIPTION"]).startswith("1. Bilan; 2. Avis, FIPD\n3. Questions")
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert str(event["ATTENDEE"]) == "mailto:sous-prefet@example.org"
    assert event["ATTENDEE"].params["CN"] == "Jeanne Roux"
    assert Event.objects.filter(verb="convened").count() == 1


def test_a_change_after_sending_keeps_the_uid_and_raises_the_sequence(
    world, client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    meeting = future_meeting(world)
    representative(world)
    with django_capture_on_commit_callbacks(execute=True):
        convocations.convene(meeting, by=world.coordinator, site_url="https://stspd.test")
    first = parse_invitation(mail.outbox[0]).walk("VEVENT")[0]
    client.force_login(world.coordinator)
    later = timezone.localtime(meeting.starts_at + datetime.timedelta(hours=1))
    response = client.post(
        reverse("councils:meeting_edit", args=[meeting.pk]),
        {
            "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle du conseil",
            "agenda": meeting.agenda,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        convocations.convene(meeting, by=world.coordinator, site_url="https://stspd.test")
    second = parse_invitation(mail.outbox[0]).walk("VEVENT")[0]
    assert second["UID"] == first["UID"]
    assert int(second["SEQUENCE"]) == 1
    assert str(second["LOCATION"]) == "Salle du conseil"
    # Editing only the minutes is no new revision of the invitation.
    response = client.post(
        reverse("councils:meeting_edit", args=[meeting.pk]),
        {
            "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle du conseil",
            "agenda": meeting.agenda,
            "minutes": "Brouillon",
        },
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_convocation_refusals_store_nothing(world) -> None:  # type: ignore[no-untyped-def]
    representative(world)
    events = Event.objects.count()
    with pytest.raises(MeetingRefused, match="a déjà commencé"):
        convocations.convene(world.plenary_meeting, by=world.coordinator, site_url="x")
    group = Meeting.objects.create(
        formation=world.working_group,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Commissariat",
    )
    with pytest.raises(MeetingRefused, match="groupe de travail"):
        convocations.convene(group, by=world.coordinator, site_url="x")
    Representative.objects.update(email="")
    with pytest.raises(MeetingRefused, match="adresse électronique"):
        convocations.convene(future_meeting(world), by=world.coordinator, site_url="x")
    assert ConvocationRecipient.objects.count() == 0
    assert Event.objects.count() == events
    assert mail.outbox == []


def test_the_convene_button_reports_who_has_no_address(world, client) -> None:  # type: ignore[no-untyped-def]
    meeting = future_meeting(world)
    representative(world)
    Representative.objects.create(member=world.member, name="Suppléant sans adresse")
    client.force_login(world.coordinator)
    response = client.post(reverse("councils:convene", args=[meeting.pk]), follow=True)
    text = response.content.decode()
    assert "Convocation envoyée à 1 représentant(s)." in text
    assert "Suppléant sans adresse" in text


def test_the_representative_answers_through_the_link_without_an_account(world, client) -> None:  # type: ignore[no-untyped-def]
    meeting = future_meeting(world)
    representative(world)
    document(meeting, "Projet de stratégie 2026-2028")
    sent = convocations.convene(meeting, by=world.coordinator, site_url="x")
    recipient = sent.recipients[0]
    url = reverse("councils:convocation", args=[recipient.token])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Projet de stratégie 2026-2028" in text
    assert "Hôtel de ville" in text
    recipient.refresh_from_db()
    assert recipient.opened_at is not None
    # Representation needs a name.
    refused = client.post(url, {"answer": ConvocationAnswer.REPRESENTED, "comment": ""})
    assert "Indiquez qui vous représentera." in refused.content.decode()
    recipient.refresh_from_db()
    assert recipient.answer == ""
    client.post(url, {"answer": ConvocationAnswer.REPRESENTED, "comment": "M. Dupuis, adjoint"})
    recipient.refresh_from_db()
    assert recipient.answer == ConvocationAnswer.REPRESENTED
    assert recipient.answer_comment == "M. Dupuis, adjoint"
    # The documents of this meeting only.
    doc = meeting.documents.get()
    assert (
        client.get(reverse("councils:convocation_document", args=[recipient.token, doc.pk])).content
        == PDF
    )
    other = document(world.plenary_meeting, "Autre séance")
    assert (
        client.get(
            reverse("councils:convocation_document", args=[recipient.token, other.pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("councils:convocation", args=["inconnu"])).status_code == 404


def test_reminders_go_once_to_those_who_have_not_answered(world) -> None:  # type: ignore[no-untyped-def]
    meeting = future_meeting(world, days=2)
    representative(world)
    add_members(world, 1)
    sent = convocations.convene(meeting, by=world.coordinator, site_url="x")
    answered = sent.recipients[0]
    convocations.answer(answered, ConvocationAnswer.ATTENDING, "")
    far = future_meeting(world, days=20)
    convocations.convene(far, by=world.coordinator, site_url="x")
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_convocation_reminders", "--days", "3", stdout=out)
    assert out.getvalue() == "1 relance(s) de convocation envoyée(s).\n"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Rappel — ")
    call_command("send_convocation_reminders", "--days", "3", stdout=io.StringIO())
    assert len(mail.outbox) == 1


# Attendance and quorum -----------------------------------------------------------------------


def test_quorum_counts_present_and_represented_members(world) -> None:  # type: ignore[no-untyped-def]
    others = add_members(world, 3)  # 4 members with the préfecture
    world.plenary.quorum_percent = 50
    world.plenary.save()
    meeting = world.plenary_meeting
    state = convocations.quorum(meeting)
    assert (state.members, state.required, state.recorded, state.reached) == (4, 2, False, False)
    convocations.record_attendance(
        meeting,
        {
            world.organisation.pk: (MemberPresence.REPRESENTED, "", "Mairie de Rouen"),
            others[0].pk: (MemberPresence.EXCUSED, "", ""),
            others[1].pk: (MemberPresence.ABSENT, "", ""),
        },
        by=world.coordinator,
    )
    state = convocations.quorum(meeting)
    assert (state.counted, state.reached) == (1, False)
    assert state.text == (
        "Quorum non atteint : 1 organisation membre présente ou représentée sur 4, "
        "il en faut 2 (50 %)."
    )
    convocations.record_attendance(
        meeting, {others[2].pk: (MemberPresence.PRESENT, "Mme Diallo", "")}, by=world.coordinator
    )
    assert convocations.quorum(meeting).reached
    # 3 members of 5 at 60 %: 3 required (a ceiling, not a rounding).
    world.plenary.quorum_percent = 60
    world.plenary.save()
    add_members(world, 1)
    assert convocations.quorum(meeting).required == 3


def test_attendance_refusals_store_nothing(world) -> None:  # type: ignore[no-untyped-def]
    stranger = Organisation.objects.create(name="Club de football", kind="association")
    events = Event.objects.count()
    with pytest.raises(MeetingRefused, match="Club de football n'est pas membre"):
        convocations.record_attendance(
            world.plenary_meeting,
            {
                world.organisation.pk: (MemberPresence.PRESENT, "", ""),
                stranger.pk: (MemberPresence.PRESENT, "", ""),
            },
            by=world.coordinator,
        )
    with pytest.raises(MeetingRefused, match="par qui"):
        convocations.record_attendance(
            world.plenary_meeting,
            {world.organisation.pk: (MemberPresence.REPRESENTED, "", " ")},
            by=world.coordinator,
        )
    assert MemberAttendance.objects.count() == 0
    assert Event.objects.count() == events


def test_attendance_page_and_working_groups(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("councils:member_attendance", args=[world.plenary_meeting.pk])
    key = world.organisation.pk
    refused = client.post(url, {f"status_{key}": "represented", f"proxy_{key}": ""})
    assert "Indiquez par qui l&#x27;organisation est représentée." in refused.content.decode()
    client.post(url, {f"status_{key}": "excused"})
    row = MemberAttendance.objects.get()
    assert row.get_status_display() == "Absence excusée"
    page = client.get(reverse("councils:meeting", args=[world.plenary_meeting.pk])).content.decode()
    assert "Absence excusée" in page
    # A working group gathers people, not organisations.
    group = reverse("councils:member_attendance", args=[world.group_meeting.pk])
    assert client.get(group).status_code == 404


def test_a_decision_needs_the_quorum(world, client) -> None:  # type: ignore[no-untyped-def]
    world.plenary.quorum_percent = 50
    world.plenary.save()
    client.force_login(world.coordinator)
    url = reverse("councils:decision_add", args=[world.plenary_meeting.pk])
    data = {
        "text": "Lancer l'enquête de victimation",
        "owner": world.organisation.pk,
        "due_on": "2026-09-01",
        "status": "open",
    }
    before = Decision.objects.count()
    convocations.record_attendance(
        world.plenary_meeting,
        {world.organisation.pk: (MemberPresence.ABSENT, "", "")},
        by=world.coordinator,
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Décision impossible sans le quorum." in refused.content.decode()
    assert Decision.objects.count() == before
    convocations.record_attendance(
        world.plenary_meeting,
        {world.organisation.pk: (MemberPresence.PRESENT, "", "")},
        by=world.coordinator,
    )
    assert client.post(url, data).status_code == 302
    assert Decision.objects.count() == before + 1


# Documents -----------------------------------------------------------------------------------


def test_only_pdf_and_spreadsheets_are_joined(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("councils:meeting_document_add", args=[world.plenary_meeting.pk])
    fake = SimpleUploadedFile("diagnostic.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    refused = client.post(url, {"title": "Diagnostic", "file": fake})
    assert "n&#x27;est pas un PDF" in refused.content.decode()
    word = SimpleUploadedFile("note.docx", b"PK\x03\x04 word", "application/octet-stream")
    refused = client.post(url, {"title": "Note", "file": word})
    assert "seuls les fichiers PDF, tableur XLSX sont acceptés" in refused.content.decode()
    assert MeetingDocument.objects.count() == 0
    good = SimpleUploadedFile("diagnostic.pdf", PDF, "application/pdf")
    assert client.post(url, {"title": "Diagnostic", "file": good}).status_code == 302
    joined = MeetingDocument.objects.get()
    assert client.get(reverse("councils:meeting_document", args=[joined.pk])).content == PDF


# Minutes -------------------------------------------------------------------------------------


def test_minutes_approved_at_the_next_meeting_are_frozen(world, client) -> None:  # type: ignore[no-untyped-def]
    earlier = world.plenary_meeting
    next_meeting = Meeting.objects.create(
        formation=world.plenary,
        starts_at=earlier.starts_at + datetime.timedelta(days=90),
        place="Rouen",
    )
    with pytest.raises(MeetingRefused, match="séance antérieure"):
        convocations.approve_minutes(earlier, next_meeting, by=world.coordinator)
    decision = convocations.approve_minutes(next_meeting, earlier, by=world.coordinator)
    assert decision.kind == DecisionKind.MINUTES_APPROVAL
    assert decision.owner is None and decision.due_on is None
    with pytest.raises(MeetingRefused, match="déjà approuvé"):
        convocations.approve_minutes(next_meeting, earlier, by=world.coordinator)
    client.force_login(world.coordinator)
    local = timezone.localtime(earlier.starts_at)
    client.post(
        reverse("councils:meeting_edit", args=[earlier.pk]),
        {
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "place": earlier.place,
            "agenda": earlier.agenda,
            "minutes": "Réécrit après coup",
        },
    )
    earlier.refresh_from_db()
    assert earlier.minutes == "Compte rendu public"
    # An act of the meeting is not followed up like a decision.
    response = client.get(reverse("councils:decision_edit", args=[decision.pk]), follow=True)
    assert "ne se suit pas" in response.content.decode()


def test_working_group_minutes_are_never_mailed(world) -> None:  # type: ignore[no-untyped-def]
    representative(world)
    with pytest.raises(MeetingRefused, match="réservé à ses membres"):
        convocations.circulate_minutes(world.group_meeting, by=world.coordinator)
    assert mail.outbox == []


def test_plenary_minutes_are_circulated_to_the_representatives(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    representative(world)
    with django_capture_on_commit_callbacks(execute=True):
        count = convocations.circulate_minutes(world.plenary_meeting, by=world.coordinator)
    assert count == 1
    assert mail.outbox[0].bcc == ["sous-prefet@example.org"]
    assert "Compte rendu public" in mail.outbox[0].body


# Calendar feed -------------------------------------------------------------------------------


def test_the_calendar_feed_holds_the_meetings_a_person_may_attend(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.wg_unsigned)
    page = client.get(reverse("councils:my_calendar")).content.decode()
    token = world.wg_unsigned.calendar_feed.token
    assert token in page
    client.logout()
    feed = client.get(reverse("councils:calendar_feed", args=[token]))
    assert feed["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries == ["CISPD de la Métropole — Formation plénière"]
    assert b"Situations" not in feed.content  # the working group's agenda: not signed
    # The signed member's feed has the working group's meeting too.
    signed = client.get(reverse("councils:calendar_feed", args=[feed_of(world.wg_signed).token]))
    assert len(icalendar.Calendar.from_ical(signed.content).walk("VEVENT")) == 2


def test_member_line_names_the_titular_representative(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    organisation = Organisation.objects.create(name="Parquet de Rouen", kind="justice")
    client.post(
        reverse("councils:member_add", args=[world.council.pk]),
        {
            "organisation": organisation.pk,
            "representative": "Procureur adjoint",
            "basis": MemberBasis.BY_RIGHT,
        },
    )
    member = CouncilMember.objects.get(organisation=organisation)
    assert list(member.representatives.values_list("name", flat=True)) == ["Procureur adjoint"]
    client.post(
        reverse("councils:member_edit", args=[member.pk]),
        {
            "organisation": organisation.pk,
            "representative": "Procureure",
            "basis": MemberBasis.BY_RIGHT,
        },
    )
    assert list(member.representatives.values_list("name", flat=True)) == ["Procureure"]


def test_no_decision_before_the_meeting_has_begun(world) -> None:  # type: ignore[no-untyped-def]
    meeting = future_meeting(world)
    with pytest.raises(MeetingRefused, match="n'a pas encore eu lieu"):
        convocations.check_can_decide(meeting)
    with pytest.raises(MeetingRefused, match="n'a pas encore eu lieu"):
        convocations.approve_minutes(meeting, world.plenary_meeting, by=world.coordinator)
    assert not Decision.objects.filter(meeting=meeting).exists()
