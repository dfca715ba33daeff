"""Pages cost a fixed number of queries, whatever the size of the council."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stspd.accounts.models import Organisation
from stspd.audit.events import record
from stspd.conftest import make_user
from stspd.councils.models import Attendance, CouncilMember, CouncilRole, Decision, Meeting


def grow(world, n: int) -> None:  # type: ignore[no-untyped-def]
    start = Organisation.objects.count()
    day = timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 0))
    for i in range(start, start + n):
        organisation = Organisation.objects.create(name=f"Partenaire {i}", kind="association")
        CouncilMember.objects.create(
            council=world.council,
            organisation=organisation,
            representative=f"Personne {i}",
            basis="designated",
        )
        user = make_user(f"p{i}@example.org", "P", f"{i}")
        CouncilRole.objects.create(council=world.council, user=user, role="partner")
        Attendance.objects.create(meeting=world.plenary_meeting, user=user, status="present")
        Decision.objects.create(
            meeting=world.plenary_meeting,
            owner=organisation,
            text=f"P{i}",
            due_on=datetime.date(2026, 5, 1),
        )
        record(user, "updated", organisation, council=world.council, changes={"nom": ["", "x"]})
        meeting = Meeting.objects.create(formation=world.plenary, starts_at=day, place=f"L{i}")
        Decision.objects.create(
            meeting=meeting, owner=organisation, text=f"D{i}", due_on=datetime.date(2026, 5, 1)
        )


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_council_pages_do_not_grow_with_members_meetings_and_decisions(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    urls = [
        f"/conseils/{world.council.pk}/",
        f"/conseils/{world.council.pk}/decisions/",
        f"/formations/{world.plenary.pk}/",
        f"/seances/{world.plenary_meeting.pk}/",
        f"/conseils/{world.council.pk}/journal/",
        "/",
    ]
    grow(world, 2)
    small = [count_queries(client, url) for url in urls]
    grow(world, 25)
    large = [count_queries(client, url) for url in urls]
    assert large == small
