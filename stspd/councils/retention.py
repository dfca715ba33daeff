"""Retention of working-group minutes: after STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS years,
a working group's minutes are blanked (`stspd purge-working-group-notes --apply`).

Why only working groups? Because their minutes discuss individual situations (art. L. 132-5 CSI)
and must not be kept longer than needed (RGPD art. 5); the plenary's minutes are public records.
The meeting itself (date, place, agenda, attendance, decisions) stays.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from stspd.audit.events import record

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


@transaction.atomic
def purge_minutes(meetings: QuerySet[Meeting]) -> int:
    """Blank each meeting's minutes and write a (confidential) event for it."""
    purged = 0
    years = retention_years()
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
