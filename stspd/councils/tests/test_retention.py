"""`stspd purge-working-group-notes`: working-group minutes past the retention period."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from stspd.audit.models import Event
from stspd.councils.models import Meeting


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_working_group_notes", *args, stdout=out)
    return out.getvalue()


def age(meeting: Meeting, years: int, days: int = 0) -> None:
    now = timezone.now()
    meeting.starts_at = now.replace(year=now.year - years) - datetime.timedelta(days=days)
    meeting.save()


def test_a_dry_run_lists_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    age(world.group_meeting, 5, days=1)
    events = Event.objects.count()
    output = run()
    assert "1 compte(s) rendu(s)" in output and "--apply" in output
    world.group_meeting.refresh_from_db()
    assert world.group_meeting.minutes == "SECRET-MINUTES"
    assert Event.objects.count() == events


def test_apply_blanks_old_group_minutes_and_writes_a_confidential_event(world) -> None:  # type: ignore[no-untyped-def]
    age(world.group_meeting, 6)
    age(world.plenary_meeting, 6)  # public records: kept
    output = run("--apply")
    assert "1 compte(s) rendu(s)" in output and "conservation : 5 ans" in output
    world.group_meeting.refresh_from_db()
    world.plenary_meeting.refresh_from_db()
    assert world.group_meeting.minutes == ""
    assert world.group_meeting.agenda == "Situations"  # the meeting itself stays
    assert world.plenary_meeting.minutes == "Compte rendu public"
    event = Event.objects.get(verb="purged")
    assert event.confidential and event.formation == world.working_group
    assert event.actor_label == "système"
    assert event.changes == {"compte rendu": ["effacé après 5 ans", ""]}
    assert "0 compte(s) rendu(s)" in run("--apply")  # nothing twice


def test_recent_minutes_are_kept_and_the_period_is_a_setting(world, settings) -> None:  # type: ignore[no-untyped-def]
    age(world.group_meeting, 4, days=300)
    run("--apply")
    world.group_meeting.refresh_from_db()
    assert world.group_meeting.minutes == "SECRET-MINUTES"
    settings.STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS = 3
    run("--apply")
    world.group_meeting.refresh_from_db()
    assert world.group_meeting.minutes == ""
