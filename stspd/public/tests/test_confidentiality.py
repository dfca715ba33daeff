"""Confidential content seeded everywhere never reaches a public page or an open-data file."""

import datetime
import io
import json
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from stspd.councils.enums import FormationKind
from stspd.councils.models import Decision, Meeting
from stspd.evaluation.publishing import publish_annual
from stspd.indicators.enums import Direction, IndicatorKind
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.models import State as ObservatoryState
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.enums import Status
from stspd.strategy.models import Axis, ObjectiveIndicator, Strategy
from stspd.strategy.workflow import apply_move
from stspd.territories.models import Commune, CommuneShape

from .helpers import publish

SECRETS = [
    "SECRET-MINUTES",  # the working group's minutes (world)
    "SECRET-DECISION",  # the working group's decision (world)
    "SECRET-RESTRICTED",
    "SECRET-INDICATOR",
    "SECRET-DRAFT",
    "SECRET-UNADOPTED",
    "987654",  # a value submitted and not validated yet
    "Compte rendu public",  # the plenary's minutes are not published either: decisions only
]


def seed(world) -> None:  # type: ignore[no-untyped-def]
    """The world's strategy adopted with one public SSMSI indicator, one public SSMSI indicator
    of Saint-Étienne-du-Rouvray (2022 suppressed), one public reported indicator (a suppressed
    validated value, a submitted one) and one non-public indicator; then a revision drafted."""
    day = datetime.date(2023, 12, 31)
    common = {
        "objective": world.objective,
        "baseline_value": Decimal("1.0"),
        "baseline_on": day,
        "target_value": Decimal("0.5"),
        "deadline": datetime.date(2028, 12, 31),
        "direction": Direction.DECREASE,
    }
    ObjectiveIndicator.objects.create(
        definition=IndicatorDefinition.objects.get(observatory_indicator=world.indicator),
        commune=Commune.objects.get(code="76575"),
        public=True,
        **common,
    )
    secret = IndicatorDefinition.objects.create(
        council=world.council, name="SECRET-INDICATOR", kind=IndicatorKind.RESULT, unit="faits"
    )
    ObjectiveIndicator.objects.create(definition=secret, public=False, **common)
    reported = IndicatorDefinition.objects.create(
        council=world.council, name="Vols chez le bailleur", kind=IndicatorKind.RESULT, unit="faits"
    )
    use = ObjectiveIndicator.objects.create(definition=reported, public=True, **common)
    for year, state, value, status in [
        (2024, ObservatoryState.PUBLISHED, Decimal("42"), MeasurementStatus.VALIDATED),
        (2025, ObservatoryState.SUPPRESSED, None, MeasurementStatus.VALIDATED),
        (2026, ObservatoryState.PUBLISHED, Decimal("987654"), MeasurementStatus.SUBMITTED),
    ]:
        Measurement.objects.create(
            objective_indicator=use,
            period_start=datetime.date(year, 1, 1),
            state=state,
            value=value,
            status=status,
            submitted_by=world.partner,
            submitted_at=timezone.now(),
            reviewed_at=timezone.now() if status == MeasurementStatus.VALIDATED else None,
        )
    restricted = world.council.formations.get(kind=FormationKind.RESTRICTED)
    meeting = Meeting.objects.create(
        formation=restricted,
        starts_at=world.plenary_meeting.starts_at,
        place="Préfecture",
        agenda="SECRET-RESTRICTED agenda",
        minutes="SECRET-RESTRICTED minutes",
    )
    Decision.objects.create(
        meeting=meeting,
        owner=world.organisation,
        text="SECRET-RESTRICTED decision",
        due_on=datetime.date(2026, 6, 1),
    )
    strategy = publish(world)
    # After adoption: in force, then a revision whose working copy holds secret changes.
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.IN_FORCE)
    strategy.refresh_from_db()
    publish_annual(strategy, 2026, by=world.coordinator)
    apply_move(strategy, "revise", by=world.coordinator)
    Strategy.objects.filter(pk=strategy.pk).update(title="SECRET-DRAFT title")
    Axis.objects.filter(pk=world.axis.pk).update(title="SECRET-DRAFT axis")
    world.action.title = "SECRET-DRAFT action"
    world.action.save()
    Axis.objects.create(strategy=strategy, position=2, title="SECRET-DRAFT new axis")
    CommuneShape.objects.create(
        commune=Commune.objects.get(code="76540"),
        geometry={
            "type": "Polygon",
            "coordinates": [[[1.0, 49.4], [1.15, 49.4], [1.15, 49.48], [1.0, 49.48], [1.0, 49.4]]],
        },
        source="test",
    )
    Strategy.objects.create(
        council=world.other_council,
        title="SECRET-UNADOPTED",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )


def public_pdfs(world) -> list[str]:  # type: ignore[no-untyped-def]
    council = [world.council.pk]
    return [
        reverse("public:strategy_pdf", args=council),
        reverse("public:annual_report", args=[world.council.pk, 2026]),
    ]


def public_urls(world) -> list[str]:  # type: ignore[no-untyped-def]
    council = [world.council.pk]
    return [
        reverse("public:index"),
        reverse("public:index") + "?q=havre",
        reverse("public:index") + "?q=metropole",
        reverse("public:catalogue"),
        reverse("public:council", args=council),
        reverse("public:strategy_csv", args=council),
        reverse("public:strategy_json", args=council),
        reverse("public:indicators_csv", args=council),
        reverse("public:indicators_json", args=council),
    ]


def test_no_confidential_content_on_any_public_url_or_export(world, client) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        for secret in SECRETS:
            assert secret not in text, (secret, url)
    for url in public_pdfs(world):
        pdf = client.get(url)
        words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Tranquillité publique" in words, url  # the adopted axis
        for secret in SECRETS:
            assert secret not in words, (secret, url)


def test_the_adopted_version_is_shown_and_the_signed_in_see_no_more(world, client) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    url = reverse("public:council", args=[world.council.pk])
    page = client.get(url).content.decode()
    assert "Axe 1 : Tranquillité publique" in page
    assert "Médiation de nuit dans les quartiers" in page
    assert "Stratégie territoriale 2026-2028" in page
    assert "Diffuser le diagnostic" in page  # the plenary's decision
    client.force_login(world.wg_signed)
    again = client.get(url).content.decode()
    for secret in SECRETS:
        assert secret not in again


def test_suppressed_values_are_never_numbers(world, client) -> None:  # type: ignore[no-untyped-def]
    seed(world)
    council = [world.council.pk]
    data = json.loads(client.get(reverse("public:indicators_json", args=council)).content)
    by_name = {row["indicateur"]: row for row in data["indicateurs"]}
    assert "SECRET-INDICATOR" not in by_name
    town = by_name["Destructions et dégradations volontaires — Saint-Étienne-du-Rouvray"]
    assert [(v["periode"], v["valeur"], v["etat_valeur"]) for v in town["valeurs"]] == [
        ("2021", "1", "publiee"),
        ("2022", None, "non_diffusee"),
        ("2023", "0", "zero"),
    ]
    reported = by_name["Vols chez le bailleur"]["valeurs"]
    assert [(v["periode"], v["valeur"], v["etat_valeur"]) for v in reported] == [
        ("2024", "42", "publiee"),
        ("2025", None, "non_diffusee"),
    ]
    csv = client.get(reverse("public:indicators_csv", args=council)).content.decode("utf-8")
    assert csv.startswith("\ufeffcode_territoire;conseil;indicateur;")
    rows = [line.split(";") for line in csv.splitlines()[1:]]
    suppressed = [r for r in rows if r[-2] == "non_diffusee"]
    assert len(suppressed) == 2 and all(r[-3] == "" for r in suppressed)
    page = client.get(reverse("public:council", args=council)).content.decode()
    assert '<td class="stspd-state--suppressed">non diffusée</td>' in page


def test_a_strategy_never_adopted_is_not_public(world, client) -> None:  # type: ignore[no-untyped-def]
    council = [world.council.pk]
    for name in [
        "public:council",
        "public:strategy_pdf",
        "public:strategy_csv",
        "public:strategy_json",
        "public:indicators_csv",
        "public:indicators_json",
    ]:
        assert client.get(reverse(name, args=council)).status_code == 404, name
    index = client.get(reverse("public:index")).content.decode()
    assert "CISPD de la Métropole" not in index
    catalogue = json.loads(client.get(reverse("public:catalogue")).content)
    assert catalogue["dcat:dataset"] == []
