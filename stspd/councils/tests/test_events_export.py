"""The council's journal as a CSV file: the coordinator's download, with the page's events."""

import csv
import io

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from stspd.audit.events import record
from stspd.councils.models import CouncilRole
from stspd.councils.tests.test_queries import grow
from stspd.councils.views import EVENTS_CSV_HEADER


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_coordinator_downloads_the_journal(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    record(
        world.coordinator,
        "updated",
        world.organisation,
        council=world.council,
        changes={"nom": ["Préfecture", "Préfecture de la Seine-Maritime"], "sigle": ["", "PREF"]},
    )
    response = client.get(f"/conseils/{world.council.pk}/journal.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="journal-conseil-{world.council.pk}.csv"'
    )
    table = rows(response)
    assert table[0] == EVENTS_CSV_HEADER
    assert table[0] == ["Date", "Personne", "Action", "Objet", "Groupe de travail", "Détail"]
    newest = table[1]
    assert newest[1] == str(world.coordinator)
    assert newest[2] == "modification"
    assert newest[3] == "Préfecture de la Seine-Maritime"
    assert newest[5] == ("nom : Préfecture → Préfecture de la Seine-Maritime; sigle : PREF")
    # Every event of the council, not one page of them, newest first, as on the page.
    visible = client.get(f"/conseils/{world.council.pk}/journal/").context["page"].paginator.count
    assert len(table) - 1 == visible


def test_the_link_is_on_the_journal_page(world, login) -> None:  # type: ignore[no-untyped-def]
    content = login(world.coordinator).get(f"/conseils/{world.council.pk}/journal/").content
    assert f'href="/conseils/{world.council.pk}/journal.csv"'.encode() in content


def test_group_events_are_exported_only_for_signed_members(world, login) -> None:  # type: ignore[no-untyped-def]
    coordinator = login(world.coordinator)
    coordinator.post(
        f"/seances/{world.group_meeting.pk}/modifier/",
        {"starts_at": "2026-03-12T14:00", "place": "Commissariat", "minutes": "SECRET-EDIT"},
    )
    export = f"/conseils/{world.council.pk}/journal.csv"
    content = coordinator.get(export).content.decode()
    assert "SECRET-EDIT" in content
    assert "GT violences intrafamiliales" in content

    # Another coordinator of the same council, not in the group, does not get those events.
    CouncilRole.objects.filter(council=world.council, user=world.partner).update(role="coordinator")
    content = login(world.partner).get(export).content.decode()
    assert "SECRET-EDIT" not in content
    assert "GT violences intrafamiliales" not in content


def test_only_coordinators_download_it(world, login, client) -> None:  # type: ignore[no-untyped-def]
    export = f"/conseils/{world.council.pk}/journal.csv"
    assert client.get(export).status_code == 302
    assert login(world.reader).get(export).status_code == 403
    assert login(world.partner).get(export).status_code == 403
    assert login(world.outsider).get(export).status_code == 404


def test_text_that_a_spreadsheet_would_run_is_kept_as_text(world, login) -> None:  # type: ignore[no-untyped-def]
    record(
        world.coordinator,
        "remark",
        world.organisation,
        council=world.council,
        label='=HYPERLINK("http://example.org","x")',
        changes={"remarque": ["", "-1"]},
    )
    table = rows(login(world.coordinator).get(f"/conseils/{world.council.pk}/journal.csv"))
    assert table[1][3] == '\'=HYPERLINK("http://example.org","x")'
    assert table[1][5] == "remarque : -1"  # inside a cell that starts with a letter


def test_the_export_costs_a_fixed_number_of_queries(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = f"/conseils/{world.council.pk}/journal.csv"

    def count() -> tuple[int, int]:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(rows(response))

    grow(world, 2)
    small, small_rows = count()
    grow(world, 30)
    large, large_rows = count()
    assert large_rows >= small_rows + 30
    assert large == small
