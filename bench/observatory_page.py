"""Benchmark: the observatory page of an EPCI (target: <= 300 ms of server time).

The demo's real figures: the Métropole Rouen Normandie (71 communes), every indicator of the
shipped Seine-Maritime file (14 series, 2016-2023), with the département and France. Server
time is the time Django takes to answer the request in-process (test client: no network, no
browser). The floor, measured in the same run, is the one query that reads the member
communes' stored values into a frame: the ratio says what the statistics and the page cost on
top of reading the data. The number of queries is printed too (a test asserts it does not grow
with the number of communes).

Usage: `make bench` (or `python3 -m uv run python bench/observatory_page.py`); results are
appended to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import tempfile
import time

from cog_import import RESULTS, setup_django

RUNS = 15
EPCI = "200023414"


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir, database="bench_observatory_stspd")
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from stspd.accounts.models import User
        from stspd.demo.observatory import load_demo_statistics
        from stspd.observatory.figures import load_values
        from stspd.observatory.models import Indicator
        from stspd.territories.importer import import_cog
        from stspd.territories.models import Commune
        from stspd.territories.shapes import import_shapes

        import_cog()
        import_shapes()
        load_demo_statistics()
        codes = list(Commune.objects.filter(epci__siren=EPCI).values_list("code", flat=True))
        indicator = Indicator.objects.get(label="Destructions et dégradations volontaires")
        client = Client()
        client.force_login(User.objects.create_user(email="bench@example.org"))
        pages = {
            "EPCI page (all indicators)": f"/observatoire/epci/{EPCI}/",
            "EPCI indicator page (series, map)": f"/observatoire/epci/{EPCI}/{indicator.pk}/",
        }
        for url in pages.values():  # warm up: imports, caches, query plans
            assert client.get(url).status_code == 200
        floor = statistics.median(timed(lambda: load_values("commune", codes)) for _ in range(RUNS))
        results = {}
        for name, url in pages.items():
            reset_queries()  # the query log is also emptied when a request starts
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            times = [timed(lambda url=url: client.get(url)) for _ in range(RUNS)]
            results[name] = (statistics.median(times), len(queries))
        rows = load_values("commune", codes).height
    lines = [
        f"\n## Observatory page of an EPCI — {datetime.date.today()} — {vendor}\n",
        f"- command: `{' '.join(['python', *sys.argv])}`"
        + (" with DATABASE_URL=postgres://..." if vendor == "postgresql" else ""),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        f"- territory: Métropole Rouen Normandie, {len(codes)} communes, {rows} stored values "
        "(14 indicators x 2016-2023, the shipped real file)",
        f"- floor (reading the members' values into a frame, median of {RUNS}): "
        f"{floor * 1000:.0f} ms",
    ]
    for name, (median, queries) in results.items():
        lines.append(
            f"- {name}: {median * 1000:.0f} ms server time, median of {RUNS} "
            f"({median / floor:.1f}x the floor), {queries} queries; target <= 300 ms: "
            f"{'met' if median <= 0.3 else 'NOT MET'}"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
