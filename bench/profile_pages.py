"""Profile: where the server time of the load test's pages goes (issue 16, item 3).

The same pages as `bench/load.py` (the tableau de bord, the three observatory pages, the public
portal and the council's public page), on the demo built in a fresh database, requested
in-process with Django's test client as the coordinator (the public ones anonymously). Each page
is profiled twice with cProfile: "cold", the cache emptied before every request (what the first
visitor after a change pays), and "warm", the cache filled (what everyone else pays). The
summary keeps, per page and state, the median server time over the runs, the number of queries,
and the functions of the project (and the few library calls) that take the most cumulative time,
so the next speed-up starts from a measure, not a guess. The floor, in the same run, is the
trivial view of `bench/floor_urls.py` (a few bytes, no database, the same middleware).

Usage: `python3 -m uv run python bench/profile_pages.py` (SQLite; DATABASE_URL=postgres://...
for PostgreSQL); the summary is appended to bench/RESULTS.md.
"""

from __future__ import annotations

import cProfile
import datetime
import io
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

from cog_import import RESULTS, setup_django

RUNS = 7
PROFILED_RUNS = 5
TOP = 6
# Frames worth naming in the summary: the project's code and the template engine's entry point.
KEEP = ("stspd/", "crimestats/")
# The layers every request goes through (middleware, throttle, cache lookup): they hold 100 % of
# the time and say nothing about where it goes.
WRAPPERS = ("stspd/core/middleware.py", "stspd/accounts/throttle.py")


@dataclass
class Page:
    name: str
    url: str
    logged_in: bool


def pages() -> list[Page]:
    from django.urls import reverse

    from stspd.councils.models import Council
    from stspd.demo.councils import EPCI_SIREN
    from stspd.strategy.models import Strategy

    council = Council.objects.get(epci__siren=EPCI_SIREN)
    strategy = Strategy.objects.filter(council=council).order_by("pk").first()
    assert strategy is not None, "the demo has no strategy"
    return [
        Page("tableau de bord", reverse("steering:dashboard", args=[strategy.pk]), True),
        Page(
            "observatoire, commune",
            reverse("observatory:territory", args=["commune", "76575"]),
            True,
        ),
        Page(
            "observatoire, EPCI",
            reverse("observatory:territory", args=["epci", EPCI_SIREN]),
            True,
        ),
        Page(
            "observatoire, conseil",
            reverse("observatory:territory", args=["conseil", str(council.pk)]),
            True,
        ),
        Page("portail public", reverse("public:index"), False),
        Page("page publique du conseil", reverse("public:council", args=[council.pk]), False),
    ]


def short_name(filename: str) -> str:
    """A frame's file named from its package (the machine's install paths left out)."""
    short = filename.split("site-packages/")[-1].split("/lib/python3.11/")[-1]
    for root in ("stspd/", "crimestats/"):
        if root in short:
            return root + short.split(root, 1)[1]
    return short


def hot_spots(profile: cProfile.Profile) -> list[str]:
    """The project's functions that weigh most (cumulative time, wrappers left out), then the
    functions, the libraries' included, that spend the most time themselves."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    entries = stats.stats.items()  # type: ignore[attr-defined]
    cumulative_rows, own_rows = [], []
    for (filename, line, function), (_, calls, own, cumulative, _) in entries:
        label = f"`{short_name(filename)}:{line} {function}` ({calls} calls)"
        own_rows.append((own, label))
        if any(part in filename for part in KEEP) and not any(w in filename for w in WRAPPERS):
            cumulative_rows.append((cumulative, label))
    cumulative_rows.sort(reverse=True)
    own_rows.sort(reverse=True)
    return [
        "cumulative: "
        + ", ".join(f"{t / total:.0%} {label}" for t, label in cumulative_rows[:TOP]),
        "own time: " + ", ".join(f"{t / total:.0%} {label}" for t, label in own_rows[:5]),
    ]


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def measure(client: object, url: str, cold: bool) -> tuple[float, int, list[str]]:
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    def request() -> None:
        if cold:
            cache.clear()
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)

    request()  # warm up: imports, query plans, the cache when warm
    if not cold:
        request()
    reset_queries()  # the query log is also emptied when a request starts
    with CaptureQueriesContext(connection) as queries:
        request()
    times = []
    for _ in range(RUNS):
        if cold:
            cache.clear()
        times.append(timed(lambda: client.get(url)))  # type: ignore[attr-defined]
    profile = cProfile.Profile()
    for _ in range(PROFILED_RUNS):
        if cold:
            cache.clear()
        profile.enable()
        client.get(url)  # type: ignore[attr-defined]
        profile.disable()
    return statistics.median(times), len(queries), hot_spots(profile)


def main() -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir, database="bench_profile_stspd")
        from django.core.management import call_command
        from django.test import Client, override_settings
        from floor_urls import FLOOR_PATH

        from stspd.accounts.models import User
        from stspd.demo.councils import DOMAIN

        with open(os.devnull, "w") as quiet:
            call_command("demo", stdout=quiet)
        coordinator = Client()
        coordinator.force_login(User.objects.get(email=f"coordination@{DOMAIN}"))
        anonymous = Client()
        with override_settings(ROOT_URLCONF="floor_urls"):
            anonymous.get(f"/{FLOOR_PATH}")
            floor = statistics.median(
                timed(lambda: anonymous.get(f"/{FLOOR_PATH}")) for _ in range(RUNS * 5)
            )
        lines = [
            f"\n## Profiles of the load test's pages — {datetime.date.today()} — {vendor}\n",
            f"- command: `{' '.join(['python', *sys.argv])}`"
            + (" with DATABASE_URL=postgres://..." if vendor == "postgresql" else ""),
            f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the start",
            "- data: `stspd demo` in a fresh database; Django's test client in-process (no "
            "network); cache: the settings' default (memory of this process)",
            f"- floor: a trivial view answering a few bytes through the same middleware, "
            f"median {floor * 1000:.1f} ms",
            f"- median of {RUNS} requests per page and state; profile over {PROFILED_RUNS} more; "
            "the share is of the profiled time (cumulative, so nested lines overlap)",
        ]
        for page in pages():
            client = coordinator if page.logged_in else anonymous
            for cold in (True, False):
                median, queries, spots = measure(client, page.url, cold)
                state = "cold (cache emptied)" if cold else "warm (cache filled)"
                lines.append(
                    f"- {page.name} `{page.url}`, {state}: {median * 1000:.1f} ms "
                    f"({median / floor:.0f}x the floor), {queries} queries"
                )
                lines.extend(f"  - {spot}" for spot in spots)
    text = "\n".join(lines) + "\n"
    print(text)
    with open(RESULTS, "a", encoding="utf-8") as results:
        results.write(text)


if __name__ == "__main__":
    main()
