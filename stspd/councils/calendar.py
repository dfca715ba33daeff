"""Meetings as iCalendar (RFC 5545) invitations and feeds, written by hand: the format is small
and a library would only wrap these few lines.

What Outlook and Thunderbird need to update an invitation instead of adding a second one: the
same UID for the same meeting, a SEQUENCE that grows with each change, METHOD:REQUEST in an
e-mailed invitation (METHOD:PUBLISH in a feed), times in UTC, lines folded at 75 octets and
ended by CRLF, and text escaped (backslash, semicolon, comma, newline).
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from .models import Meeting

PRODUCT = "-//stspd//Seances des conseils//FR"


def escape(text: str) -> str:
    """TEXT value escaping of RFC 5545, section 3.3.11."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets are split, each continuation starting with a space
    (section 3.1); a multi-byte character is never cut."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(meeting: Meeting, *, attendees: Iterable[tuple[str, str]] = ()) -> list[str]:
    council = meeting.formation.council
    description = meeting.agenda or "Ordre du jour à venir."
    if meeting.video_link:
        description += f"\n\nVisioconférence : {meeting.video_link}"
    location = meeting.place + (f" ({meeting.video_link})" if meeting.video_link else "")
    organiser = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting.uid}@stspd",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(meeting.end)}",
        f"SUMMARY:{escape(f'{council.name} — {meeting.formation.name}')}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
        f"ORGANIZER;CN={escape(council.name)}:mailto:{organiser}",
        "STATUS:CONFIRMED",
    ]
    for name, email in attendees:
        lines.append(
            f'ATTENDEE;CN="{name.replace(chr(34), "")}";ROLE=REQ-PARTICIPANT;'
            f"PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{email}"
        )
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[list[str]], *, method: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", f"METHOD:{method}"]
    lines.append("CALSCALE:GREGORIAN")
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def invitation(meeting: Meeting, name: str, email: str) -> str:
    """The invitation e-mailed to one representative."""
    return calendar([event_lines(meeting, attendees=[(name, email)])], method="REQUEST")


def feed(meetings: Iterable[Meeting]) -> str:
    """A subscribed calendar: the meetings, no attendee list."""
    return calendar((event_lines(m) for m in meetings), method="PUBLISH")
