"""Objects of a meeting's life for tests: representatives, convocations, documents."""

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from stspd.councils.models import (
    CalendarFeed,
    ConvocationRecipient,
    Meeting,
    MeetingDocument,
    Representative,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def representative(world: Any, email: str = "sous-prefet@example.org") -> Representative:
    person, _ = Representative.objects.get_or_create(
        member=world.member,
        name="Jeanne Roux",
        defaults={"function": "Sous-préfète", "email": email},
    )
    return person


def recipient(world: Any, meeting: Meeting | None = None) -> ConvocationRecipient:
    row, _ = ConvocationRecipient.objects.get_or_create(
        meeting=meeting or world.plenary_meeting,
        representative=representative(world),
        defaults={"sent_at": timezone.now()},
    )
    return row


def document(meeting: Meeting, title: str = "Projet de stratégie") -> MeetingDocument:
    row = MeetingDocument(meeting=meeting, title=title)
    row.file.save("projet.pdf", ContentFile(PDF), save=True)
    return row


def feed(user: Any) -> CalendarFeed:
    return CalendarFeed.objects.get_or_create(user=user)[0]


def future_meeting(world: Any, days: int = 10) -> Meeting:
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return Meeting.objects.create(
        formation=world.plenary, starts_at=starts, place="Hôtel de ville", agenda="1. Bilan"
    )
