"""The préfecture's and the nation's views: sums that add up, each agent in its own
département, and no working group's content anywhere (seeded secrets scanned for)."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs
from pypdf import PdfReader

from stspd.conftest import make_commune, make_user
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Decision, Formation, FormationMember, Meeting
from stspd.councils.workflow import create_council
from stspd.funding.models import Application, Call, Funder, Grant, Payment, Programme, Report
from stspd.funding.reference import ensure_reference
from stspd.funding.summary import fipd_by_council
from stspd.obligations.models import StateLevel, StateRole, YearlyReturn
from stspd.obligations.state import Totals, council_rows, departement_view, national_view
from stspd.strategy.models import Action, Axis, BudgetLine, Objective, Strategy
from stspd.territories.models import Departement, Region

DAY = datetime.date(2026, 6, 1)
YEAR = 2026  # the cast's budget lines are of 2026
SECRET = "SECRET-GT-"


def generate(world, seed: int = 18) -> dict[str, list[Council]]:  # type: ignore[no-untyped-def]
    """Councils in three départements (76 has the cast's two), with meetings, working groups
    and returns drawn at random."""
    draw = random.Random(seed)
    BudgetLine.objects.filter(action=world.action).update(committed=Decimal("9000.50"))
    region = Region.objects.create(code="76", name="Occitanie")
    made: dict[str, list[Council]] = {"76": [world.council, world.other_council]}
    for dep_code, name in (("31", "Haute-Garonne"), ("33", "Gironde")):
        dep = Departement.objects.create(
            code=dep_code, name=name, region=region, search_name=name.lower()
        )
        made[dep_code] = []
        for index in range(draw.randint(2, 4)):
            commune = make_commune(
                f"{dep_code}{index:03d}",
                f"Commune {dep_code}-{index}",
                dep,
                None,
                draw.choice([3000, 8000, 20000, 60000]),
            )
            council = create_council(
                commune,
                name=f"CLSPD {dep_code}-{index}",
                president="Maire",
                by=world.outsider,
                approved_by=world.site_admin,
            )
            plenary = council.formations.get(kind=FormationKind.PLENARY)
            for _ in range(draw.randint(0, 2)):
                month = draw.randint(1, 12)
                Meeting.objects.create(
                    formation=plenary,
                    starts_at=timezone.make_aware(datetime.datetime(2025, month, 3, 10)),
                    place="Mairie",
                )
            for group in range(draw.randint(0, 2)):
                Formation.objects.create(
                    council=council, kind=FormationKind.WORKING_GROUP, name=f"GT {group}"
                )
            if draw.random() < 0.5:
                YearlyReturn.objects.create(
                    council=council,
                    year=YEAR,
                    coordination_fte=1,
                    situations_examined=2,
                    figures={},
                    sent_at=timezone.now(),
                )
            made[dep_code].append(council)
    fipd(draw, made)
    return made


def cents(draw: random.Random) -> Decimal:
    return Decimal(draw.randint(100_000, 2_000_000)) / 100


def fipd(draw: random.Random, made: dict[str, list[Council]]) -> None:
    """FIPD calls of the year and of two years before in each département, applications of
    some councils' fiches, some granted (some paid, some with their report), drawn at random:
    the earlier call's unreported grants are late on DAY."""
    ensure_reference()
    funder = Funder.objects.get(code="fipd")
    programme = Programme.objects.get(funder=funder, letter="D")
    for code, councils in made.items():
        dep = Departement.objects.get(code=code)
        calls = [
            Call.objects.get_or_create(
                funder=funder,
                departement=dep,
                year=year,
                defaults={
                    "title": f"FIPD {year} {code}",
                    "opens_on": datetime.date(year, 1, 1),
                    "closes_on": datetime.date(year, 3, 1),
                },
            )[0]
            for year in (YEAR - 2, YEAR)
        ]
        for index, council in enumerate(councils):
            if draw.random() < 0.25:
                continue  # a council that applied for nothing
            strategy = Strategy.objects.create(
                council=council,
                title=f"Stratégie FIPD {council.pk}",
                starts_on=datetime.date(2024, 1, 1),
                ends_on=datetime.date(2027, 12, 31),
            )
            axis = Axis.objects.create(strategy=strategy, position=1, title="Axe")
            objective = Objective.objects.create(axis=axis, position=1, statement="Objectif")
            for number in range(draw.randint(1, 3)):
                action = Action.objects.create(
                    objective=objective, position=number + 1, title=f"Fiche {index}-{number}"
                )
                for call in calls:
                    if draw.random() < 0.3:
                        continue
                    application = Application.objects.create(
                        call=call,
                        action=action,
                        programme=programme,
                        title=f"Projet {index}-{number}",
                        fipd_requested=cents(draw),
                    )
                    if draw.random() < 0.3:
                        continue  # not granted (yet)
                    grant = Grant.objects.create(
                        application=application,
                        programme=programme,
                        amount=application.fipd_requested - draw.randint(0, 500),
                        decided_on=datetime.date(call.year, 6, 1),
                        report_due_on=call.report_due_on,
                    )
                    for _ in range(draw.randint(0, 2)):
                        Payment.objects.create(
                            grant=grant,
                            paid_on=datetime.date(call.year, 7, 1),
                            amount=(grant.amount / 3).quantize(Decimal("0.01")),
                        )
                    if draw.random() < 0.4:
                        Report.objects.create(
                            application=application,
                            submitted_on=datetime.date(call.year + 1, 3, 1),
                            qualitative="Bilan",
                        )


def expected_fipd(councils: list[Council]) -> dict[str, object]:
    """The FIPD figures of these councils, counted from the rows one by one."""
    mine = [
        a
        for a in Application.objects.select_related("call", "action__objective__axis__strategy")
        if a.action.objective.axis.strategy.council in councils
    ]
    of_year = [a for a in mine if a.call.year == YEAR]
    late = 0
    for application in mine:
        dues = [g.report_due_on for g in Grant.objects.filter(application=application)]
        if dues and min(dues) < DAY and not Report.objects.filter(application=application):
            late += 1
    return {
        "applications": len(of_year),
        "requested": sum((a.fipd_requested for a in of_year), Decimal(0)),
        "granted": sum(
            (g.amount for g in Grant.objects.filter(application__in=of_year)), Decimal(0)
        ),
        "paid": sum(
            (p.amount for p in Payment.objects.filter(grant__application__in=of_year)),
            Decimal(0),
        ),
        "reports_late": late,
    }


def figures(totals: object) -> dict[str, object]:
    return {name: getattr(totals, name) for name in expected_fipd([])}


def test_a_departement_roll_up_is_the_sum_over_its_councils(world) -> None:  # type: ignore[no-untyped-def]
    made = generate(world)
    for code, councils in made.items():
        view = departement_view(Departement.objects.get(code=code), DAY, YEAR)
        assert {row.council for row in view.rows} == set(councils)
        totals = view.totals
        assert totals.clspd + totals.cispd == len(councils)
        assert (
            totals.working_groups
            == Formation.objects.filter(
                council__in=councils, kind=FormationKind.WORKING_GROUP
            ).count()
        )
        assert (
            totals.returns_received
            == YearlyReturn.objects.filter(council__in=councils, year=YEAR).count()
        )
        assert totals.obligations_missing == sum(row.missing for row in view.rows)
        assert totals.obligations_late == sum(row.late for row in view.rows)
        assert totals.dormant + totals.active == len(councils)
        assert totals.coordinators == sum(1 for c in councils if c.coordinator_id)
        assert totals.communes_required == len(view.required)
        assert totals.funds_committed == sum(
            (
                line.committed
                for line in BudgetLine.objects.filter(
                    action__objective__axis__strategy__council__in=councils, year=YEAR
                )
            ),
            Decimal(0),
        )
        # FIPD: each council's figures, and the département's their sum, to the cent.
        for row in view.rows:
            assert figures(row.fipd) == expected_fipd([row.council]), row.council.name
        assert figures(totals.fipd) == expected_fipd(councils)
    # The draw gave each kind of figure somewhere (else the sums proved little).
    france = national_view(DAY, YEAR).france.fipd
    assert france.applications and france.granted and france.paid and france.reports_late


def test_the_fipd_figures_are_read_in_a_fixed_number_of_queries(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = generate(world)
    with CaptureQueriesContext(connection) as few:
        before = fipd_by_council(YEAR, DAY)
    fipd(random.Random(7), {code: councils * 3 for code, councils in made.items()})
    with CaptureQueriesContext(connection) as many:
        after = fipd_by_council(YEAR, DAY)
    assert len(few) == len(many) == 4
    assert sum(f.applications for f in after.values()) > sum(
        f.applications for f in before.values()
    )
    # The State's views read them once for all their councils.
    with CaptureQueriesContext(connection) as rows:
        council_rows(DAY, YEAR)
    fipd_queries = [q for q in rows.captured_queries if "funding_" in q["sql"]]
    assert len(fipd_queries) == 4


def test_the_national_view_is_the_sum_over_departements(world) -> None:  # type: ignore[no-untyped-def]
    generate(world)
    view = national_view(DAY, YEAR)
    assert [dep.code for dep, _ in view.departements] == ["31", "33", "76"]
    expected = Totals()
    for dep, totals in view.departements:
        alone = departement_view(dep, DAY, YEAR).totals
        assert alone == totals
        expected.add(totals)
    assert view.france == expected
    assert view.france.councils == Council.objects.filter(approved_at__isnull=False).count()
    assert sum(view.france.indicator_statuses.values()) >= 1  # the cast's strategy
    assert view.france.funds_committed == Decimal("9000.50")
    assert figures(view.france.fipd) == expected_fipd(list(Council.objects.all()))


@pytest.fixture
def agent_31(world):  # type: ignore[no-untyped-def]
    generate(world)
    agent = make_user("pref31@example.org", "Anne", "Vidal")
    StateRole.objects.create(
        user=agent, level=StateLevel.PREFECTURE, departement=Departement.objects.get(code="31")
    )
    return agent


def test_the_prefecture_agent_sees_every_council_of_its_departement_and_no_other(
    world, client, agent_31
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(agent_31)
    for council in Council.objects.all():
        url = reverse("obligations:council", args=[council.pk])
        expected = 200 if council.commune and council.commune.code.startswith("31") else 404
        assert client.get(url).status_code == expected, council.name
    assert client.get(reverse("obligations:departement", args=["31"])).status_code == 200
    assert client.get(reverse("obligations:departement", args=["76"])).status_code == 404
    assert client.get(reverse("obligations:national")).status_code == 403
    # A council's own pages stay closed to the agent: it has no role there.
    assert client.get(reverse("councils:detail", args=[world.council.pk])).status_code == 404


def test_the_national_agent_reads_aggregates_only(world, client) -> None:  # type: ignore[no-untyped-def]
    generate(world)
    client.force_login(world.national_agent)
    page = client.get(reverse("obligations:national")).content.decode()
    assert "Haute-Garonne" in page and "Gironde" in page
    assert "CLSPD 31-0" not in page  # no council named
    assert client.get(reverse("obligations:departement", args=["31"])).status_code == 403
    url = reverse("obligations:council", args=[world.council.pk])
    assert client.get(url).status_code == 404


def seed_secrets(world) -> list[str]:  # type: ignore[no-untyped-def]
    """Secrets in every text of the working group's content, and its non-coordinator
    member's name (the coordinator's name is shown on purpose)."""
    group = world.working_group
    secrets = []

    def secret(label: str) -> str:
        secrets.append(SECRET + label)
        return SECRET + label

    group.name = secret("name")
    group.description = secret("description")
    group.charter = secret("charter")
    group.save()
    world.group_meeting.place = secret("place")
    world.group_meeting.agenda = secret("agenda")
    world.group_meeting.minutes = secret("minutes")
    world.group_meeting.save()
    Decision.objects.filter(pk=world.group_decision.pk).update(
        text=secret("decision"), follow_up=secret("follow-up")
    )
    world.wg_signed.last_name = secret("member")
    world.wg_signed.save()
    FormationMember.objects.filter(formation=group).update(charter_signed_on=None)
    return secrets


def test_no_working_group_content_reaches_the_state_pages_or_exports(world, client) -> None:  # type: ignore[no-untyped-def]
    secrets = seed_secrets(world)
    client.force_login(world.coordinator)
    client.post(
        reverse("obligations:yearly_return", args=[world.council.pk, YEAR]),
        {"coordination_fte": "0,5", "situations_examined": "12"},
    )
    pages = {
        "prefecture_agent": [
            reverse("obligations:departement", args=["76"]),
            reverse("obligations:council", args=[world.council.pk]),
            reverse("obligations:agreements", args=[world.council.pk]),
            reverse("obligations:yearly_return", args=[world.council.pk, YEAR]),
            reverse("obligations:yearly_return", args=[world.council.pk, 2026]),
        ],
        "national_agent": [reverse("obligations:national")],
    }
    files = [
        reverse("obligations:yearly_return_pdf", args=[world.council.pk, YEAR]),
        reverse("obligations:yearly_return_xlsx", args=[world.council.pk, YEAR]),
        reverse("obligations:yearly_return_pdf", args=[world.council.pk, 2026]),
        reverse("obligations:yearly_return_xlsx", args=[world.council.pk, 2026]),
    ]
    texts = []
    for who, urls in pages.items():
        client.force_login(getattr(world, who))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            texts.append((url, response.content.decode()))
    client.force_login(world.prefecture_agent)
    for url in files:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(response.content))
            texts.append((url, " ".join(page.extract_text() for page in reader.pages)))
        else:
            book = load_workbook(io.BytesIO(response.content))
            cells = [str(c.value) for s in book for row in s.iter_rows() for c in row if c.value]
            texts.append((url, " ".join(cells)))
    # The scan can find something: the council's name is in each (the département's in the
    # national view, which names no council).
    national = reverse("obligations:national")
    assert all(
        ("Seine-Maritime" if url == national else world.council.name) in text for url, text in texts
    )
    leaks = [(url, s) for url, text in texts for s in secrets if s in text]
    assert leaks == []


def square(x: float, y: float) -> dict[str, object]:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_departement_map_colours_communes_by_coverage(world, client) -> None:  # type: ignore[no-untyped-def]
    from stspd.territories.models import Commune, CommuneShape

    for code, x in (("76540", 1.0), ("76217", 1.2)):
        CommuneShape.objects.create(
            commune=Commune.objects.get(code=code), geometry=square(x, 49.4), source="test"
        )
    world.free_commune.name = "Dieppe <b>"
    world.free_commune.save()
    client.force_login(world.prefecture_agent)
    page = client.get(reverse("obligations:departement", args=["76"])).content.decode()
    assert "<title>Rouen : couverte par un conseil</title>" in page
    assert "<title>Dieppe &lt;b&gt; : sans conseil</title>" in page
    assert 'role="img"' in page
