"""Benchmark: loading the commune reference (target: the ~35,000 communes in <= 10 s).

Measured in the same run against a floor: reading and parsing the same shipped files without
touching the database. The ratio says how much the database writes cost on top of the reading,
whatever the machine's speed that day. Runs on SQLite (a fresh file) by default, on PostgreSQL
when DATABASE_URL is set (a fresh `bench_stspd` database is created and dropped).

Usage: `make bench` (or `python3 -m uv run python bench/cog_import.py`); results are appended to
bench/RESULTS.md.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RUNS = 3


def setup_django(var_dir: str, database: str = "bench_stspd") -> str:
    """Django on a fresh SQLite file in `var_dir`, or a fresh PostgreSQL `database`."""
    os.environ["STSPD_VAR_DIR"] = var_dir
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{database}"
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database}")
            conn.execute(f"CREATE DATABASE {database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stspd.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def floor() -> float:
    """Read and parse the files the importer reads, into Python objects, and nothing else."""
    import json

    from stspd.territories.importer import COMMUNES_FILE, DATA_DIR, EPCI_FILE, read_csv

    start = time.perf_counter()
    json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))
    json.loads((DATA_DIR / "departements.json").read_text(encoding="utf-8"))
    read_csv(EPCI_FILE)
    rows = read_csv(COMMUNES_FILE)
    assert len(rows) > 35_000
    return time.perf_counter() - start


def import_once(first: bool) -> float:
    from stspd.territories.importer import import_cog
    from stspd.territories.models import Commune

    if first:
        assert not Commune.objects.exists()
    start = time.perf_counter()
    import_cog()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir)
        floors = [floor() for _ in range(RUNS)]
        first = import_once(first=True)
        reloads = [import_once(first=False) for _ in range(RUNS - 1)]
        from stspd.territories.models import Commune

        communes = Commune.objects.count()
    base = statistics.median(floors)
    lines = [
        f"\n## Commune reference import — {datetime.date.today()} — {vendor}\n",
        f"- command: `{' '.join(['python', *sys.argv])}`"
        + (" with DATABASE_URL=postgres://..." if vendor == "postgresql" else ""),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        f"- communes and arrondissements loaded: {communes}",
        f"- floor (reading and parsing the files, median of {RUNS}): {base:.2f} s",
        f"- first load into an empty database: {first:.2f} s ({first / base:.1f}x the floor);"
        f" target <= 10 s: {'met' if first <= 10 else 'NOT MET'}",
        f"- reload over existing rows (upsert), median: {statistics.median(reloads):.2f} s "
        f"({statistics.median(reloads) / base:.1f}x the floor)",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nWritten by the benchmarks under bench/.\n")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
