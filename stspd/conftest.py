"""The named cast and the small territory every test of the project can use.

A CISPD on a two-commune EPCI, with one working group whose charter some have signed:
- coordinator: coordinates the CISPD, signed member of the working group;
- partner: partner role, not in the working group;
- reader: reader role;
- wg_signed / wg_unsigned: partners, members of the working group, charter signed or not;
- outsider: coordinator of another territory's CLSPD;
- site_admin: the platform's operator (superuser);
- prefecture_agent: the préfecture agent of Seine-Maritime (State role, no council role);
- national_agent: an agent of the national secretariat (State role, no council role).

The cast is built once per worker process and committed (`_cast`); each test reads it inside its
own rolled-back transaction, through its own copy of the objects (`world`).
"""

import copy
import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation, User
from stspd.councils.enums import FormationKind, MemberBasis, Role
from stspd.councils.models import (
    Council,
    CouncilMember,
    CouncilRole,
    Decision,
    Formation,
    FormationMember,
    Meeting,
)
from stspd.councils.workflow import create_council
from stspd.indicators.enums import Direction
from stspd.indicators.library import sync_library
from stspd.indicators.models import IndicatorDefinition
from stspd.obligations.models import StateLevel, StateRole
from stspd.observatory.importer import stored_values, write_values
from stspd.observatory.models import (
    Diagnostic,
    DiagnosticSection,
    Edition,
    Indicator,
    SeriesBlock,
)
from stspd.strategy.enums import Funder
from stspd.strategy.models import (
    Action,
    ActionIndicator,
    Axis,
    BudgetLine,
    Objective,
    ObjectiveIndicator,
    Strategy,
)
from stspd.territories.models import Commune, Departement, Epci, Region
from stspd.territories.search import search_key

PASSWORD = "mot-de-passe-de-test"


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _strict_templates(settings):  # type: ignore[no-untyped-def]
    """A misspelt template variable fails the test instead of rendering as nothing."""
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE(%s)"


@pytest.fixture(autouse=True)
def _own_cache(settings):  # type: ignore[no-untyped-def]
    """Each test its own cache keys: a page cached by one test (whose data were rolled back) is
    never served to another, nor to another worker sharing the same Redis."""
    settings.CACHES = {
        "default": settings.CACHES["default"] | {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def make_user(email: str, first: str, last: str, **extra: object) -> User:
    return User.objects.create_user(
        email=email, password=PASSWORD, first_name=first, last_name=last, **extra
    )


def make_commune(
    code: str, name: str, departement: Departement, epci: Epci | None, population: int
) -> Commune:
    return Commune.objects.create(
        code=code,
        name=name,
        kind="commune",
        departement=departement,
        epci=epci,
        population=population,
        search_name=search_key(name),
    )


@dataclass
class World:
    council: Council
    other_council: Council
    plenary: Formation
    working_group: Formation
    plenary_meeting: Meeting
    group_meeting: Meeting
    plenary_decision: Decision
    group_decision: Decision
    member: CouncilMember
    organisation: Organisation
    free_commune: Commune
    coordinator: User
    partner: User
    reader: User
    wg_signed: User
    wg_unsigned: User
    outsider: User
    site_admin: User
    prefecture_agent: User
    national_agent: User
    indicator: Indicator
    section: DiagnosticSection
    strategy: Strategy
    axis: Axis
    objective: Objective
    action: Action


def build_world() -> World:
    """Create the cast in the database (the caller decides whether it is committed)."""
    region = Region.objects.create(code="28", name="Normandie")
    dep = Departement.objects.create(
        code="76", name="Seine-Maritime", region=region, search_name="seine maritime"
    )
    epci = Epci.objects.create(
        siren="200023414",
        name="Métropole Rouen Normandie",
        kind="METRO",
        population=150000,
        search_name="metropole rouen normandie",
    )
    make_commune("76540", "Rouen", dep, epci, 117662)
    make_commune("76575", "Saint-Étienne-du-Rouvray", dep, epci, 29518)
    le_havre = make_commune("76351", "Le Havre", dep, None, 166687)
    free_commune = make_commune("76217", "Dieppe", dep, None, 28000)

    coordinator = make_user("coordination@example.org", "Claire", "Lefebvre")
    partner = make_user("partenaire@example.org", "Paul", "Girard")
    reader = make_user("lecteur@example.org", "Rachida", "Benali")
    wg_signed = make_user("gt-signe@example.org", "Sophie", "Morel")
    wg_unsigned = make_user("gt-non-signe@example.org", "Nicolas", "Petit")
    outsider = make_user("exterieur@example.org", "Éric", "Duval")
    site_admin = make_user("admin@example.org", "Alex", "Martin", is_superuser=True, is_staff=True)
    prefecture_agent = make_user("prefecture@example.org", "Hélène", "Roux")
    StateRole.objects.create(user=prefecture_agent, level=StateLevel.PREFECTURE, departement=dep)
    national_agent = make_user("national@example.org", "Marc", "Blanc")
    StateRole.objects.create(user=national_agent, level=StateLevel.NATIONAL)

    council = create_council(
        epci,
        name="CISPD de la Métropole",
        president="Président",
        by=coordinator,
        approved_by=site_admin,
    )
    other_council = create_council(
        le_havre, name="CLSPD du Havre", president="Maire", by=outsider, approved_by=site_admin
    )
    for user, role in [
        (partner, Role.PARTNER),
        (reader, Role.READER),
        (wg_signed, Role.PARTNER),
        (wg_unsigned, Role.PARTNER),
    ]:
        CouncilRole.objects.create(council=council, user=user, role=role)
    organisation = Organisation.objects.create(
        name="Préfecture de la Seine-Maritime", kind=OrganisationKind.PREFECTURE
    )
    member = CouncilMember.objects.create(
        council=council,
        organisation=organisation,
        representative="Sous-préfet",
        basis=MemberBasis.BY_RIGHT,
    )
    plenary = council.formations.get(kind=FormationKind.PLENARY)
    working_group = Formation.objects.create(
        council=council,
        kind=FormationKind.WORKING_GROUP,
        scope="thematic",
        name="GT violences intrafamiliales",
        charter="Je ne divulgue rien.",
    )
    signed_on = datetime.date(2026, 1, 15)
    for user, signed in [(coordinator, signed_on), (wg_signed, signed_on), (wg_unsigned, None)]:
        FormationMember.objects.create(formation=working_group, user=user, charter_signed_on=signed)
    day = timezone.make_aware(datetime.datetime(2026, 3, 12, 14, 0))
    plenary_meeting = Meeting.objects.create(
        formation=plenary,
        starts_at=day,
        place="Rouen",
        agenda="Bilan annuel",
        minutes="Compte rendu public",
    )
    group_meeting = Meeting.objects.create(
        formation=working_group,
        starts_at=day,
        place="Commissariat",
        agenda="Situations",
        minutes="SECRET-MINUTES",
    )
    plenary_decision = Decision.objects.create(
        meeting=plenary_meeting,
        owner=organisation,
        text="Diffuser le diagnostic",
        due_on=datetime.date(2026, 6, 1),
    )
    group_decision = Decision.objects.create(
        meeting=group_meeting,
        owner=organisation,
        text="SECRET-DECISION",
        due_on=datetime.date(2026, 6, 1),
    )
    indicator = make_observatory_values()
    diagnostic = Diagnostic.objects.create(council=council, title="Diagnostic de la Métropole")
    section = DiagnosticSection.objects.create(
        diagnostic=diagnostic, position=10, title="Les dégradations", indicator=indicator
    )
    strategy, axis, objective, action = make_strategy(council, organisation, indicator)
    return World(
        council=council,
        other_council=other_council,
        plenary=plenary,
        working_group=working_group,
        plenary_meeting=plenary_meeting,
        group_meeting=group_meeting,
        plenary_decision=plenary_decision,
        group_decision=group_decision,
        member=member,
        organisation=organisation,
        free_commune=free_commune,
        coordinator=coordinator,
        partner=partner,
        reader=reader,
        wg_signed=wg_signed,
        wg_unsigned=wg_unsigned,
        outsider=outsider,
        site_admin=site_admin,
        prefecture_agent=prefecture_agent,
        national_agent=national_agent,
        indicator=indicator,
        section=section,
        strategy=strategy,
        axis=axis,
        objective=objective,
        action=action,
    )


@pytest.fixture(scope="session")
def _cast(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> World:
    """The cast, built and committed once per worker process: never handed out as is.

    Why: about 1,300 tests read it; building it for each took most of their setup. Each test
    still runs in its own transaction, rolled back, so one that changes the cast leaves it
    pristine for the next, and `world` gives each test its own copy of the Python objects.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        # Committed rows: a session fixture set up inside a test's transaction would vanish.
        assert not connection.in_atomic_block, "the cast must be built outside any transaction"
        return build_world()


def _cast_is_stored(cast: World) -> bool:
    # A transactional test (live server, browser) flushes every table when it ends.
    return bool(User.objects.filter(pk=cast.coordinator.pk).exists())


@pytest.fixture
def world(db: None, _cast: World) -> World:
    """The cast: rows committed once per worker, Python objects fresh for each test.

    A deep copy keeps the objects as the build left them (`world.strategy.council` is
    `world.council`) without a query. After a transactional test has flushed the committed
    cast, the test builds its own, as every test did before: in its transaction (rolled back),
    or committed and then flushed.
    """
    if not _cast_is_stored(_cast):
        return build_world()
    return copy.deepcopy(_cast)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests without the cast first, so that they see the database as the migrations left it.

    pytest-django then sorts (stably) database tests before transactional ones; xdist hands
    each worker its tests in that order. A test that uses the database without `world` thus
    never meets the committed cast, and the cast is built at the first test that asks for it.
    """
    items.sort(key=lambda item: "world" in getattr(item, "fixturenames", ()))


def make_strategy(
    council: Council, lead: Organisation, indicator: Indicator
) -> tuple[Strategy, Axis, Objective, Action]:
    """A small draft that passes the readiness check: one axis, objective and action."""
    sync_library()
    strategy = Strategy.objects.create(
        council=council,
        title="Stratégie territoriale 2026-2028",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
        evaluation_method="Revue annuelle des indicateurs en formation plénière.",
    )
    axis = Axis.objects.create(strategy=strategy, position=1, title="Tranquillité publique")
    objective = Objective.objects.create(
        axis=axis, position=1, statement="Réduire les dégradations de biens publics"
    )
    ObjectiveIndicator.objects.create(
        objective=objective,
        definition=IndicatorDefinition.objects.get(observatory_indicator=indicator),
        baseline_value=Decimal("1.2"),
        baseline_on=datetime.date(2023, 12, 31),
        target_value=Decimal("1.0"),
        deadline=datetime.date(2028, 12, 31),
        direction=Direction.DECREASE,
    )
    action = Action.objects.create(
        objective=objective,
        position=1,
        title="Médiation de nuit dans les quartiers",
        problem="Dégradations nocturnes",
        lead=lead,
    )
    ActionIndicator.objects.create(
        action=action, definition=IndicatorDefinition.objects.get(name="Médiations réalisées")
    )
    BudgetLine.objects.create(
        action=action, funder=Funder.FIPD, year=2026, planned=Decimal("15000")
    )
    return strategy, axis, objective, action


def values_frame(rows: list[tuple[str, int, str, int | None, int]]) -> pl.DataFrame:
    """Stored-values frame from (code, year, indicator label, count or None, population):
    None is a suppressed cell, 0 a published zero; no dwellings, rates recomputed."""
    return pl.DataFrame(
        rows,
        schema={
            "geo_code": pl.String,
            "year": pl.Int32,
            "indicator": pl.String,
            "count": pl.Int64,
            "population": pl.Int64,
        },
        orient="row",
    ).with_columns(
        state=pl.when(pl.col("count").is_null())
        .then(pl.lit("suppressed"))
        .when(pl.col("count") == 0)
        .then(pl.lit("zero"))
        .otherwise(pl.lit("published")),
        dwellings=pl.lit(None, pl.Int64),
        rate_per_1000=pl.lit(None, pl.Float64),
    )


def make_observatory_values() -> Indicator:
    """Recorded "destructions" of the world's communes, 2021-2023, and of two départements.

    Rouen: 100, 120, 90 for 100,000 inhabitants; Saint-Étienne-du-Rouvray: 30, suppressed, 0
    for 30,000. Seine-Maritime (76): 1,000, 1,100, 1,200 for 1,250,000; Eure (27): 400 each
    year for 600,000.
    """
    indicator = Indicator.objects.create(
        label="Destructions et dégradations volontaires",
        unit="infraction",
        denominator_kind="inhabitants",
    )
    common = {"schema_version": 2, "file_format": "csv", "label_table_version": "2025-07"}
    communal = Edition.objects.create(
        source_name="communes.csv.gz",
        sha256="a" * 64,
        geo_level="commune",
        cog_year=2024,
        imported_at=timezone.now(),
        **common,
    )
    departmental = Edition.objects.create(
        source_name="departements.csv",
        sha256="b" * 64,
        geo_level="departement",
        imported_at=timezone.now(),
        **common,
    )
    cells: list[tuple[Edition, str, str, list[int | None], int]] = [
        (communal, "commune", "76540", [100, 120, 90], 100_000),
        (communal, "commune", "76575", [30, None, 0], 30_000),
        (departmental, "departement", "76", [1000, 1100, 1200], 1_250_000),
        (departmental, "departement", "27", [400, 400, 400], 600_000),
    ]
    for edition in (communal, departmental):
        write_values(
            values_frame(
                [
                    (code, year, indicator.label, count, population)
                    for edition_of, _, code, counts, population in cells
                    if edition_of == edition
                    for year, count in zip((2021, 2022, 2023), counts, strict=True)
                ]
            ),
            edition,
        )
    return indicator


def rewrite_values(edition: Edition, change: Callable[[pl.DataFrame], pl.DataFrame]) -> None:
    """Rewrite the values stored for `edition` through `change` (a frame in, a frame out)."""
    cells = stored_values(edition.geo_level).filter(pl.col("edition_id") == edition.pk)
    SeriesBlock.objects.filter(edition=edition).delete()
    write_values(change(cells), edition)


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """login(user) -> the test client, logged in as that user."""

    def do_login(user: User):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return do_login
