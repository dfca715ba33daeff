"""Retention of working-group minutes: after STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS years,
a working group's minutes are blanked (`stspd purge-working-group-notes --apply`).

Why only working groups? Because their minutes discuss individual situations (art. L. 132-5 CSI)
and must not be kept longer than needed (RGPD art. 5); the plenary's minutes are public records.
The meeting itself (date, place, agenda, attendance, decisions) stays.

The text goes from everywhere the platform keeps it: the meeting, and the "created" and
"updated" events that recorded it (which keep who and when, not the text), hence from the
journal page and its CSV, and from every backup made after the purge (a backup is a copy of
the tables). Backups made before it still hold the text until they are deleted
(docs/production.md: 30 days).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stspd.audit.events import record
from stspd.audit.models import Event

from .enums import FormationKind
from .models import Meeting


def retention_years() -> int:
    """The one reading of the setting: the purge and the personal-data page both use it."""
    return int(settings.STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS)


def retention_limit(now: datetime.datetime | None = None) -> datetime.datetime:
    """Meetings that started before this moment have passed the retention period."""
    now = now or timezone.now()
    years = retention_years()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def expired_minutes(now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            formation__kind=FormationKind.WORKING_GROUP, starts_at__lt=retention_limit(now)
        )
        .exclude(minutes="")
        .select_related("formation__council")
        .order_by("starts_at", "pk")
    )


# The names under which events record the minutes: the form's field, its French label.
MINUTES_KEYS = ("minutes", "compte rendu")


def purged_text(years: int) -> str:
    return f"[effacé après {years} ans]"


def scrub_events(meeting_ids: list[int], years: int) -> int:
    """Replace the minutes' text in the events of these meetings; how many events changed."""
    changed = 0
    events = Event.objects.filter(
        object_type=Meeting._meta.label_lower, object_id__in=[str(pk) for pk in meeting_ids]
    ).only("pk", "changes")
    for event in events:
        changes = dict(event.changes)
        for key in MINUTES_KEYS:
            values = changes.get(key)
            if isinstance(values, list) and any(v and not v.startswith("[effacé") for v in values):
                changes[key] = [purged_text(years) if v else v for v in values]
        if changes != event.changes:
            Event.objects.filter(pk=event.pk).update(changes=changes)
            changed += 1
    return changed


def expired_group_meetings(now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """Every working-group meeting past the retention period, minutes blank or not (an event
    may still hold the text of minutes blanked before events were purged too)."""
    return Meeting.objects.filter(
        formation__kind=FormationKind.WORKING_GROUP, starts_at__lt=retention_limit(now)
    )


@transaction.atomic
def purge_minutes(meetings: QuerySet[Meeting], now: datetime.datetime | None = None) -> int:
    """Blank each meeting's minutes and write a (confidential) event for it; remove the text
    from the events of every meeting past the period."""
    purged = 0
    years = retention_years()
    scrub_events(list(expired_group_meetings(now).values_list("pk", flat=True)), years)
    for meeting in meetings.select_for_update(of=("self",)):
        meeting.minutes = ""
        meeting.save(update_fields=["minutes"])
        record(
            None,
            "purged",
            meeting,
            council=meeting.formation.council,
            formation=meeting.formation,
            changes={"compte rendu": [f"effacé après {years} ans", ""]},
        )
        purged += 1
    return purged
