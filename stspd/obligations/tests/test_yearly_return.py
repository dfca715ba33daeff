"""The yearly activity return: figures equal to the database's counts, sent once and frozen,
as a PDF and a spreadsheet, with the working groups as counts only."""

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs

from stspd.audit.models import Event
from stspd.councils.enums import FormationKind
from stspd.councils.models import Meeting
from stspd.obligations.models import YearlyReturn
from stspd.obligations.yearly import figures, xlsx
from stspd.strategy.models import BudgetLine

TODAY = datetime.date(2026, 12, 7)


def meeting(formation, day: datetime.date) -> Meeting:  # type: ignore[no-untyped-def]
    return Meeting.objects.create(
        formation=formation,
        starts_at=timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10)),
        place="Rouen",
    )


def test_figures_equal_the_database_counts(world) -> None:  # type: ignore[no-untyped-def]
    restricted = world.council.formations.get(kind=FormationKind.RESTRICTED)
    meeting(world.plenary, datetime.date(2026, 10, 1))
    meeting(restricted, datetime.date(2026, 5, 1))
    meeting(world.plenary, datetime.date(2025, 5, 1))  # another year
    data = figures(
        world.council, 2026, coordination_fte=Decimal("0.5"), situations_examined=14, today=TODAY
    )
    held = Meeting.objects.filter(formation__council=world.council, starts_at__year=2026)
    assert data["plenary_meetings"] == held.filter(formation__kind="plenary").count() == 2
    assert data["restricted_meetings"] == held.filter(formation__kind="restricted").count() == 1
    assert data["working_group_meetings"] == held.filter(formation__kind="working_group").count()
    assert data["working_groups"] == world.council.formations.filter(kind="working_group").count()
    assert data["situations_examined"] == 14
    assert data["coordination_fte"] == "0.5"
    assert data["strategy"]["title"] == world.strategy.title
    assert data["actions"] == 1
    lines = BudgetLine.objects.filter(action__objective__axis__strategy=world.strategy, year=2026)
    assert sum(Decimal(row["planned"]) for row in data["funding"]) == sum(
        line.planned for line in lines
    )
    assert not data["dormant"]
    assert len(data["obligations"]) == 8


def test_the_return_never_carries_working_group_content(world) -> None:  # type: ignore[no-untyped-def]
    data = figures(
        world.council, 2026, coordination_fte=Decimal(1), situations_examined=3, today=TODAY
    )
    text = repr(data)
    for secret in ("SECRET", world.working_group.name, world.wg_signed.last_name):
        assert secret not in text


def test_sending_freezes_the_return_and_records_an_event(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("obligations:yearly_return", args=[world.council.pk, 2025])
    response = client.post(url, {"coordination_fte": "12", "situations_examined": "4"})
    assert response.status_code == 200
    assert "entre 0 et 10 ETP" in response.content.decode()
    assert not YearlyReturn.objects.exists()
    response = client.post(url, {"coordination_fte": "0,5", "situations_examined": "4"})
    assert response.status_code == 302
    sent = YearlyReturn.objects.get()
    assert (sent.year, sent.coordination_fte, sent.situations_examined) == (2025, Decimal("0.5"), 4)
    assert sent.figures["situations_examined"] == 4
    assert Event.objects.filter(verb="submitted", object_id=sent.pk).exists()
    # Later meetings of 2025 do not change the sent figures.
    meeting(world.plenary, datetime.date(2025, 11, 1))
    page = client.get(url).content.decode()
    assert "Transmis à la préfecture" in page
    assert (
        client.post(url, {"coordination_fte": "1", "situations_examined": "9"}).status_code == 302
    )
    assert YearlyReturn.objects.get().situations_examined == 4


def test_the_prefecture_agent_reads_the_sent_return_and_downloads_it(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("obligations:yearly_return", args=[world.council.pk, 2025])
    client.post(url, {"coordination_fte": "0,8", "situations_examined": "7"})
    client.force_login(world.prefecture_agent)
    page = client.get(url).content.decode()
    assert "Transmettre le rapport" not in page
    pdf = client.get(reverse("obligations:yearly_return_pdf", args=[world.council.pk, 2025]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    sheet = client.get(reverse("obligations:yearly_return_xlsx", args=[world.council.pk, 2025]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["Situations individuelles examinées (nombre)"] == 7
    assert values["Temps consacré à la coordination (ETP)"] == 0.8


def test_a_draft_says_the_stated_numbers_are_still_to_be_given(world) -> None:  # type: ignore[no-untyped-def]
    data = figures(
        world.council, 2026, coordination_fte=None, situations_examined=None, today=TODAY
    )
    data["draft"] = True
    rows = list(load_workbook(io.BytesIO(xlsx(data))).active.iter_rows(values_only=True))
    assert rows[0][0].endswith("(projet, non transmis)")
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["Situations individuelles examinées (nombre)"] == "à renseigner à l'envoi"


def test_a_year_outside_the_platform_is_not_found(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    for year in (2019, timezone.localdate().year + 1):
        url = reverse("obligations:yearly_return", args=[world.council.pk, year])
        assert client.get(url).status_code == 404
