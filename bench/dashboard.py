"""Benchmark: the tableau de bord of a large strategy (target: <= 200 ms of server time).

A CISPD's strategy with 4 axes, 20 objectives, 100 indicators (90 result, 10 context) reported
monthly with three years of values each (3,600 measurements, some suppressed, some submitted
and not yet validated), 40 fiches action with 4 milestones and 3 budget lines each, 20 open
decisions of the plenary formation (and 5 of a working group, never read). Server time is the
time Django takes to answer GET /strategies/<id>/tableau-de-bord/ in-process (test client: no
network, no browser), median of several runs. The floor, measured in the same run, is the one
query that reads the 3,600 values into Python: the ratio says what the statuses, the tree and
the page cost on top of reading the values. The number of queries is printed too (a test
asserts it does not grow with the size of the strategy).

Usage: `make bench` (or `python3 -m uv run python bench/dashboard.py`, with DATABASE_URL for
PostgreSQL); results are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal

from cog_import import RESULTS, setup_django  # bench/ is on sys.path when run as a script

RUNS = 15
TARGET_SECONDS = 0.2
AXES, OBJECTIVES_PER_AXIS, INDICATORS_PER_OBJECTIVE, ACTIONS_PER_OBJECTIVE = 4, 5, 5, 2
MONTHS = 36


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def build() -> tuple[int, object]:
    """The strategy and a reader of its council; returns the strategy's id and the reader."""
    from django.utils import timezone

    from stspd.accounts.enums import OrganisationKind
    from stspd.accounts.models import Organisation, User
    from stspd.councils.enums import FormationKind, Role
    from stspd.councils.models import CouncilRole, Decision, Formation, Meeting
    from stspd.councils.workflow import create_council
    from stspd.indicators.enums import Direction, IndicatorKind, Periodicity
    from stspd.indicators.models import IndicatorDefinition
    from stspd.steering.enums import MeasurementStatus
    from stspd.steering.models import Measurement
    from stspd.strategy.enums import Funder
    from stspd.strategy.models import (
        Action,
        Axis,
        BudgetLine,
        Milestone,
        Objective,
        ObjectiveIndicator,
        Strategy,
    )
    from stspd.territories.models import Commune, Departement, Epci, Region

    region = Region.objects.create(code="28", name="Normandie")
    dep = Departement.objects.create(code="76", name="Seine-Maritime", region=region)
    epci = Epci.objects.create(siren="200023414", name="Métropole", kind="METRO", population=1)
    for code, name in [("76540", "Rouen"), ("76575", "Saint-Étienne-du-Rouvray")]:
        Commune.objects.create(
            code=code, name=name, kind="commune", departement=dep, epci=epci, population=1000
        )
    coordinator = User.objects.create_user(email="coordination@example.org")
    reader = User.objects.create_user(email="lecteur@example.org")
    council = create_council(epci, name="CISPD", president="Président", by=coordinator)
    CouncilRole.objects.create(council=council, user=reader, role=Role.READER)
    leads = [
        Organisation.objects.create(name=f"Partenaire {i}", kind=OrganisationKind.ASSOCIATION)
        for i in range(8)
    ]
    today = timezone.localdate()
    first = datetime.date(today.year - 3, today.month, 1)
    strategy = Strategy.objects.create(
        council=council,
        title="Stratégie de mesure",
        starts_on=first,
        ends_on=first.replace(year=first.year + 5),
    )
    values = []
    n = 0
    for a in range(AXES):
        axis = Axis.objects.create(strategy=strategy, position=a, title=f"Axe {a + 1}")
        for o in range(OBJECTIVES_PER_AXIS):
            objective = Objective.objects.create(
                axis=axis, position=o, statement=f"Objectif {a + 1}.{o + 1}"
            )
            for i in range(INDICATORS_PER_OBJECTIVE):
                n += 1
                kind = IndicatorKind.CONTEXT if n % 10 == 0 else IndicatorKind.RESULT
                definition = IndicatorDefinition.objects.create(
                    council=council,
                    name=f"Indicateur {n}",
                    kind=kind,
                    unit="faits",
                    periodicity=Periodicity.MONTH,
                )
                use = ObjectiveIndicator.objects.create(
                    objective=objective,
                    definition=definition,
                    baseline_value=Decimal(100),
                    baseline_on=first - datetime.timedelta(days=1),
                    target_value=Decimal(60 + i * 5),
                    deadline=strategy.ends_on,
                    direction=Direction.DECREASE,
                )
                for m in range(MONTHS):
                    start = datetime.date(first.year + (first.month - 1 + m) // 12,
                                          (first.month - 1 + m) % 12 + 1, 1)  # fmt: skip
                    suppressed = (n + m) % 17 == 0
                    values.append(
                        Measurement(
                            objective_indicator=use,
                            period_start=start,
                            state="suppressed" if suppressed else "published",
                            value=None if suppressed else Decimal(100 - m * (n % 4) / 3),
                            status=(
                                MeasurementStatus.SUBMITTED
                                if m >= MONTHS - 2
                                else MeasurementStatus.VALIDATED
                            ),
                            submitted_by=coordinator,
                            submitted_at=timezone.now(),
                        )
                    )
            for f in range(ACTIONS_PER_OBJECTIVE):
                action = Action.objects.create(
                    objective=objective,
                    position=f,
                    title=f"Fiche {a + 1}.{o + 1}.{f + 1}",
                    lead=leads[(o + f) % len(leads)],
                    ends_on=strategy.ends_on,
                )
                for k in range(4):
                    due = first + datetime.timedelta(days=300 * (k + 1))
                    Milestone.objects.create(
                        action=action,
                        title=f"Jalon {k + 1}",
                        due_on=due,
                        done_on=due if k < 2 else None,
                    )
                for y in range(3):
                    BudgetLine.objects.create(
                        action=action,
                        funder=Funder.FIPD,
                        year=first.year + y,
                        planned=Decimal(10000),
                        committed=Decimal(8000),
                        spent=Decimal(5000),
                    )
    Measurement.objects.bulk_create(values, batch_size=1000)
    plenary = council.formations.get(kind=FormationKind.PLENARY)
    group = Formation.objects.create(council=council, kind=FormationKind.WORKING_GROUP, name="GT")
    for formation, count in [(plenary, 20), (group, 5)]:
        meeting = Meeting.objects.create(formation=formation, starts_at=timezone.now(), place="X")
        for d in range(count):
            Decision.objects.create(
                meeting=meeting, owner=leads[d % 8], text=f"Décision {d}", due_on=today
            )
    return strategy.pk, reader


def main() -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir, database="bench_dashboard_stspd")
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from stspd.steering.dashboard import dashboard_data
        from stspd.steering.models import Measurement

        strategy_id, reader = build()
        client = Client()
        client.force_login(reader)  # type: ignore[arg-type]
        url = f"/strategies/{strategy_id}/tableau-de-bord/"
        assert client.get(url).status_code == 200  # warm up: imports, templates, query plans
        n_values = Measurement.objects.count()

        def read_values() -> None:
            list(
                Measurement.objects.filter(
                    objective_indicator__objective__axis__strategy_id=strategy_id
                ).values_list("objective_indicator_id", "period_start", "state", "value", "status")
            )

        floor = statistics.median(timed(read_values) for _ in range(RUNS))
        data_time = statistics.median(
            timed(lambda: dashboard_data(strategy_id)) for _ in range(RUNS)
        )
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        size = len(response.content)
        times = [timed(lambda: client.get(url)) for _ in range(RUNS)]
        page = statistics.median(times)
        data = dashboard_data(strategy_id)
        counts = {code: count for code, _, _, count in data.status_counts}
    lines = [
        f"\n## Tableau de bord of a large strategy — {datetime.date.today()} — {vendor}\n",
        f"- command: `{' '.join(['python', *sys.argv])}`"
        + (" with DATABASE_URL=postgres://..." if vendor == "postgresql" else ""),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end "
        "(shared with other engineers' jobs)",
        f"- strategy: {AXES} axes, {len(data.objectives)} objectives, {len(data.indicators)} "
        f"indicators ({MONTHS} monthly values each: {n_values} measurements), "
        f"{len(data.actions)} fiches action (4 milestones, 3 budget lines each), "
        f"{len(data.decisions)} open decisions; statuses {counts}",
        f"- floor (reading the {n_values} values in one query, median of {RUNS}): "
        f"{floor * 1000:.1f} ms",
        f"- dashboard_data alone (median of {RUNS}): {data_time * 1000:.0f} ms "
        f"({data_time / floor:.1f}x the floor)",
        f"- GET {url.replace(str(strategy_id), '<id>')} ({size // 1024} kB of HTML, "
        f"{len(queries)} queries): {page * 1000:.0f} ms server time, median of {RUNS} "
        f"({page / floor:.1f}x the floor); target <= 200 ms: "
        f"{'met' if page <= TARGET_SECONDS else 'NOT MET'}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
