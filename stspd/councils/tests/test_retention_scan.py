"""Retention that means it (issue 15): purged minutes leave the events, the journal and every
backup made after the purge. A secret is seeded in a working group's minutes through the pages,
purged, then looked for in a dump of every table and in a new backup."""

import gzip
import io
import tarfile
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from stspd.audit.models import Event
from stspd.councils.models import Meeting

SECRET = "Situation de Kevin Zebulon-Quartz, 14 ans"


def database_dump() -> str:
    """Every row of every table of the database, as text (whatever the backend)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def backup_text(path: Path) -> str:
    """Every member of a backup archive, as text."""
    call_command("backup", str(path), stdout=io.StringIO())
    with gzip.open(path) as compressed:
        assert compressed.read(2)  # a real gzip file
    with tarfile.open(path) as archive:
        return "\n".join(
            archive.extractfile(member).read().decode("utf-8", "replace")  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        )


def journal_csv(client, council) -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/conseils/{council.pk}/journal.csv").content.decode("utf-8-sig")


def test_purged_minutes_leave_the_events_the_journal_the_dump_and_new_backups(  # type: ignore[no-untyped-def]
    world, login, tmp_path
) -> None:
    meeting = world.group_meeting
    client = login(world.coordinator)  # a signed member of the working group
    when = f"{timezone.localtime(meeting.starts_at):%Y-%m-%dT%H:%M}"
    for minutes in [SECRET, SECRET + "\nSuite : orientation vers la médiation."]:
        response = client.post(
            f"/seances/{meeting.pk}/modifier/",
            {"starts_at": when, "place": "Mairie", "agenda": "Situations", "minutes": minutes},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    # Before the purge the secret is everywhere: the test can fail.
    assert SECRET in journal_csv(client, world.council)
    assert SECRET in database_dump()
    assert SECRET in backup_text(tmp_path / "before.tar.gz")
    events_before = Event.objects.filter(object_id=str(meeting.pk), object_type="councils.meeting")
    authors = sorted(events_before.values_list("actor_label", "at"))

    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now.replace(year=now.year - 6))
    call_command("purge_working_group_notes", "--apply", stdout=io.StringIO())

    assert SECRET not in journal_csv(client, world.council)
    assert "Zebulon" not in database_dump()
    assert "Zebulon" not in backup_text(tmp_path / "after.tar.gz")
    # The events keep who and when, and say what became of the text.
    events = Event.objects.filter(object_id=str(meeting.pk), object_type="councils.meeting")
    assert sorted(events.exclude(verb="purged").values_list("actor_label", "at")) == authors
    updated = events.filter(verb="updated").order_by("pk").first()
    assert updated is not None
    assert updated.changes["minutes"][1] == "[effacé après 5 ans]"
    assert "[effacé après 5 ans]" in journal_csv(client, world.council)


def test_minutes_blanked_before_events_were_purged_are_scrubbed_by_the_next_run(world) -> None:  # type: ignore[no-untyped-def]
    from stspd.audit.events import record

    meeting = world.group_meeting
    record(
        world.coordinator,
        "updated",
        meeting,
        council=world.council,
        formation=world.working_group,
        changes={"minutes": ["", SECRET]},
    )
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes="", starts_at=now.replace(year=now.year - 7)
    )
    call_command("purge_working_group_notes", "--apply", stdout=io.StringIO())
    assert "Zebulon" not in database_dump()
