"""Benchmark: importing a national-size SSMSI communal file (issue targets below).

The file is the synthetic national one of bench/ssmsi_national.py (official v2 layout, csv.gz,
15 indicators x 10 years, about 48 % of cells suppressed), written with the REAL commune codes
of the reference so that every row is stored, not dropped as unknown. It is cached in
bench/out/.

Measured in the same run:

- floor: polars reading the same file and counting its rows (`pl.read_csv(path, separator=";",
  infer_schema=False).height`, median of 3), twice: in a fresh process (`python -c`: Python
  start-up, polars import and the read), measured exactly as the imports are, and inside this
  process, where polars is already loaded (the figure of the earlier runs);
- first import into an empty observatory, then re-import of the same file (idempotent
  replace), each as `stspd import-ssmsi FILE` in a subprocess: wall time, and the peak memory
  (max RSS) of the importing process;
- naive peer: pandas.read_csv of the whole file, then one INSERT per value (autocommit, as
  `Model.save()` would) into a table of one row per value with its unique index, on a sample of
  rows, extrapolated to the file.

Fresh processes (the floor's and the imports') are started by a small launcher process that
times its child and reads the child's peak memory: a child started directly from this process
would report this process's own peak (Linux carries the parent's memory high-water mark over
into a child's max RSS when it starts a program), which holds the naive peer's pandas frame.

Targets: <= 25 s on SQLite, <= 15 s on PostgreSQL, peak RSS <= 2 GB, within 3x of the floor
(both fresh processes), >= 10x faster than the naive peer. Runs on a fresh SQLite file by
default, on PostgreSQL when DATABASE_URL is set (a `bench_stspd_ssmsi` database is created and
dropped).

With `--against REVISION` (a commit), the same run also re-imports the file with the code of
that revision and with the checkout's, alternated, each into a database of its own set up by its
own code (migrations, reference, first import), and compares them (target: the checkout no
slower than 10 % beyond the revision).

Usage: `make bench` (or `python3 -m uv run python bench/ssmsi_import.py [--against REVISION]`);
results are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
OUT = BENCH / "out" / "ssmsi_import"
FILE_NAME = "donnee-data.gouv-2025-geographie2025-produit-le2026-01-01.csv.gz"
DATABASE = "bench_stspd_ssmsi"
RUNS = 3
NAIVE_SAMPLE = 20_000
TARGETS = {"sqlite": 25.0, "postgresql": 15.0}
RSS_TARGET = 2 * 1024**3
COMPARED_RUNS = 5
REGRESSION_LIMIT = 1.10


def setup_django(var_dir: str) -> str:
    os.environ["STSPD_VAR_DIR"] = var_dir
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + DATABASE
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            conn.execute(f"CREATE DATABASE {DATABASE}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stspd.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def drop_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    from django.db import connection

    connection.close()
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


def national_file(codes: list[str]) -> Path:
    """The national-size file, with the reference's commune codes (generated once, cached)."""
    path = OUT / FILE_NAME
    if path.exists():
        return path
    sys.path.insert(0, str(BENCH))
    from ssmsi_national import COMMUNES, generate

    from crimestats.ssmsi import write_v2_communal

    codes = codes[:COMMUNES]
    frame = generate(len(codes))
    synthetic = frame.get_column("geo_code").unique(maintain_order=True).to_list()
    frame = frame.with_columns(pl.col("geo_code").replace_strict(synthetic, codes))
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name("partial-" + path.name)
    write_v2_communal(frame, partial)
    partial.rename(path)
    return path


# Runs argv[2:] as a child and writes its wall time and peak memory to argv[1] (JSON). Started
# small, so that its child's max RSS is the child's own.
LAUNCHER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], capture_output=True, text=True, check=False)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    json.dump({
        "wall": wall,
        "rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "cpu": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
    }, out)
"""
FLOOR = (
    "import sys, polars as pl; "
    "print(pl.read_csv(sys.argv[1], separator=';', infer_schema=False).height)"
)


def launch(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> dict[str, Any]:
    """Run `command` in a fresh process through the launcher: wall time, max RSS, output."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.json"
        subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, str(result), *command],
            env=env or os.environ.copy(),
            cwd=cwd,
            check=True,
        )
        done: dict[str, Any] = json.loads(result.read_text())
    if done["returncode"]:
        raise SystemExit(f"{' '.join(command)} failed:\n{done['stdout']}\n{done['stderr']}")
    return done


def floor(path: Path) -> tuple[float, int]:
    """Polars reading the same file and counting its rows, in this process (polars loaded)."""
    start = time.perf_counter()
    rows = pl.read_csv(path, separator=";", infer_schema=False).height
    return time.perf_counter() - start, rows


def fresh_floor(path: Path) -> tuple[float, float]:
    """The same read in a fresh process: Python start-up, polars import, read, count; wall and
    CPU time."""
    done = launch([sys.executable, "-c", FLOOR, str(path)])
    return float(done["wall"]), float(done["cpu"])


def import_in_subprocess(path: Path) -> tuple[float, float, int, str, float]:
    """Run `stspd import-ssmsi FILE` in a fresh process; wall time, reported time, max RSS,
    report, CPU time."""
    done = launch([sys.executable, "-m", "stspd.cli", "import-ssmsi", str(path)])
    found = re.search(r"Durée : ([\d.]+) s", done["stdout"])
    wall = float(done["wall"])
    inner = float(found.group(1)) if found else wall
    return wall, inner, int(done["rss"]), done["stdout"], float(done["cpu"])


def naive_peer(path: Path, rows: int) -> tuple[float, float, float]:
    """pandas.read_csv of the file, then one INSERT per value on a sample (autocommit), into a
    table of one row per value (the layout stspd used before its blocks of series)."""
    import pandas as pd
    from django.db import connection

    from crimestats.labels import canonical_label

    start = time.perf_counter()
    frame = pd.read_csv(path, sep=";", decimal=",", na_values=["NA"], dtype={0: str})
    read = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_naive_value (id integer PRIMARY KEY, geo_level varchar(11), "
            "geo_code varchar(5), year smallint, indicator varchar(100), state varchar(10), "
            "count integer, population integer, dwellings integer, rate double precision)"
        )
        cursor.execute(
            "CREATE UNIQUE INDEX bench_naive_cell ON bench_naive_value "
            "(geo_level, geo_code, year, indicator)"
        )
    sample = frame.head(NAIVE_SAMPLE)
    start = time.perf_counter()
    for number, record in enumerate(sample.itertuples(index=False)):
        suppressed = record.est_diffuse == "ndiff"
        count = None if suppressed else int(record.nombre)
        state = "suppressed" if suppressed else "zero" if count == 0 else "published"
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_naive_value VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    number,
                    "commune",
                    record[0],
                    int(record.annee),
                    canonical_label(record.indicateur),
                    state,
                    count,
                    None if pd.isna(record.insee_pop) else int(record.insee_pop),
                    None if pd.isna(record.insee_log) else int(record.insee_log),
                    None if suppressed else float(record.taux_pour_mille),
                ],
            )
    per_row = (time.perf_counter() - start) / len(sample)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_naive_value")
    return read + per_row * rows, read, per_row


def code_of(revision: str, folder: Path) -> Path:
    """The project's files at `revision` (git archive), to run beside the checkout's."""
    archive = subprocess.run(
        ["git", "-C", str(BENCH.parent), "archive", revision],
        capture_output=True,
        check=True,
    ).stdout
    target = folder / "code"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def compare(path: Path, revision: str, vendor: str) -> list[str]:
    """Re-imports of `path` by the code of `revision` and by the checkout's, alternated in this
    run, each code with a database of its own that it migrated and loaded itself (its
    reference, then a first import of the file): the comparison of the same work under the
    same load."""
    url = os.environ.get("DATABASE_URL", "")
    server = url.rsplit("/", 1)[0]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        roots = {"old": code_of(revision, Path(folder)), "new": BENCH.parent}
        envs: dict[str, dict[str, str]] = {}
        for tag, root in roots.items():
            env = os.environ.copy() | {
                "PYTHONPATH": str(root),  # before the checkout the virtualenv points at
                "STSPD_VAR_DIR": str(Path(folder) / f"var-{tag}"),
            }
            if vendor == "postgresql":
                import psycopg

                with psycopg.connect(server + "/postgres", autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}_{tag}")
                    conn.execute(f"CREATE DATABASE {DATABASE}_{tag}")
                env["DATABASE_URL"] = f"{server}/{DATABASE}_{tag}"
            envs[tag] = env
            for command in (["migrate"], ["import-cog"], ["import-ssmsi", str(path)]):
                subprocess.run(
                    [sys.executable, "-m", "stspd.cli", *command],
                    env=env,
                    cwd=root,
                    check=True,
                    capture_output=True,
                )
        runs: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
        try:
            for _ in range(COMPARED_RUNS):
                for tag in ("old", "new"):
                    command = [sys.executable, "-m", "stspd.cli", "import-ssmsi", str(path)]
                    runs[tag].append(launch(command, envs[tag], roots[tag]))
        finally:
            if vendor == "postgresql":
                import psycopg

                with psycopg.connect(server + "/postgres", autocommit=True) as conn:
                    for tag in runs:
                        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}_{tag}")
    wall = {tag: statistics.median(r["wall"] for r in done) for tag, done in runs.items()}
    cpu = {tag: statistics.median(r["cpu"] for r in done) for tag, done in runs.items()}
    rss = {tag: max(r["rss"] for r in done) for tag, done in runs.items()}
    ratio = wall["new"] / wall["old"]
    spread = {
        tag: f"{min(r['wall'] for r in done):.2f}-{max(r['wall'] for r in done):.2f} s"
        for tag, done in runs.items()
    }
    return [
        f"- same run, re-import of the same file by the code of commit {revision} (old) and by "
        f"this checkout (new), alternated, {COMPARED_RUNS} runs each, each code with a database "
        f"of its own (migrated, reference and first import by that code); load average (1 min) "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end: old median "
        f"{wall['old']:.2f} s ({spread['old']}), CPU {cpu['old']:.2f} s, peak "
        f"{rss['old'] / 1024**2:,.0f} MB; new median {wall['new']:.2f} s ({spread['new']}), "
        f"CPU {cpu['new']:.2f} s, peak {rss['new'] / 1024**2:,.0f} MB; new / old "
        f"{ratio:.2f} in wall time, {cpu['new'] / cpu['old']:.2f} in CPU time; target no "
        f"regression beyond 10 %: {met(ratio <= REGRESSION_LIMIT)}",
    ]


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    revision = None
    if "--against" in sys.argv:
        revision = sys.argv[sys.argv.index("--against") + 1]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir)
        try:
            from django.core.management import call_command

            from stspd.territories.models import Commune

            call_command("import_cog", verbosity=0, stdout=io.StringIO())
            codes = sorted(Commune.objects.filter(kind="commune").values_list("code", flat=True))
            path = national_file(codes)
            size = path.stat().st_size / 1e6
            floors = [floor(path) for _ in range(RUNS)]
            in_process = statistics.median(t for t, _ in floors)
            rows = floors[0][1]
            fresh = [fresh_floor(path) for _ in range(RUNS)]
            base = statistics.median(wall for wall, _ in fresh)
            base_cpu = statistics.median(cpu for _, cpu in fresh)

            from stspd.observatory.importer import stored_values
            from stspd.observatory.models import SeriesBlock

            naive, naive_read, per_row = naive_peer(path, rows)
            assert not SeriesBlock.objects.exists()
            first, first_inner, rss_first, report, first_cpu = import_in_subprocess(path)
            assert "aucune commune inconnue du référentiel" in report, report
            values = stored_values()
            stored, blocks = values.height, SeriesBlock.objects.count()
            again = [import_in_subprocess(path) for _ in range(RUNS - 1)]
            rss = max(rss_first, *(r for _, _, r, _, _ in again))
            assert stored_values().equals(values)
            again_wall = statistics.median(w for w, _, _, _, _ in again)
            again_inner = statistics.median(i for _, i, _, _, _ in again)
            again_cpu = statistics.median(c for _, _, _, _, c in again)
            suppressed = values.filter(pl.col("state") == "suppressed").height
            del values
        finally:
            drop_database()
    compared = compare(path, revision, vendor) if revision else []

    target = TARGETS[vendor]
    lines = [
        f"\n## SSMSI national communal import — {datetime.date.today()} — {vendor}\n",
        f"- command: `{' '.join(['python', *sys.argv])}`"
        + (" with DATABASE_URL=postgres://..." if vendor == "postgresql" else ""),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, polars {pl.__version__}; load average (1 min) "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (shared with other "
        "engineers' jobs: the ratios to the floor are the comparable figures)",
        f"- file: synthetic national communal file, official v2 layout, csv.gz {size:.1f} MB, "
        f"{rows:,} rows, reference commune codes; stored {stored:,} values "
        f"({suppressed / stored:.0%} suppressed) in {blocks:,} blocks of series",
        f"- floor (polars reading the file and counting rows, median of {RUNS}), in a fresh "
        f"process (`python -c`: start-up, polars import, read; timed as the imports are): "
        f"{base:.2f} s; inside the benchmark's process, polars already loaded: "
        f"{in_process:.2f} s",
        f"- first import into an empty observatory (`stspd import-ssmsi FILE` in a fresh "
        f"process, wall time): {first:.2f} s, of which the import itself {first_inner:.1f} s "
        f"({first / base:.1f}x the fresh-process floor, {first / in_process:.1f}x the "
        f"in-process one); target <= {target:.0f} s: {met(first <= target)}",
        f"- re-import of the same file (idempotent replace), median of {RUNS - 1}: "
        f"{again_wall:.2f} s, of which the import itself {again_inner:.1f} s "
        f"({again_wall / base:.1f}x the fresh-process floor, {again_wall / in_process:.1f}x "
        f"the in-process one); target <= {target:.0f} s: {met(again_wall <= target)}",
        f"- CPU time (user + system, all threads; less sensitive to the other jobs than wall "
        f"time): fresh-process floor {base_cpu:.2f} s, first import {first_cpu:.2f} s "
        f"({first_cpu / base_cpu:.1f}x), re-import {again_cpu:.2f} s "
        f"({again_cpu / base_cpu:.1f}x)",
        f"- peak memory of the importing process (max RSS of the import alone): "
        f"{rss / 1024**2:,.0f} MB; target <= 2 GB: {met(rss <= RSS_TARGET)}",
        f"- within 3x of the floor (slowest of first import and re-import, both fresh "
        f"processes): {max(first, again_wall) / base:.1f}x; "
        f"{met(max(first, again_wall) <= 3 * base)} (against the in-process floor: "
        f"{max(first, again_wall) / in_process:.1f}x)",
        f"- naive peer (pandas.read_csv {naive_read:.1f} s, then one INSERT per value: "
        f"{per_row * 1000:.2f} ms/row on {NAIVE_SAMPLE:,} rows, extrapolated): {naive:,.0f} s; "
        f"first import {naive / first:.0f}x faster; target >= 10x: {met(naive >= 10 * first)}",
        *compared,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if os.environ.get("BENCH_NO_RESULTS"):
        return
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nWritten by the benchmarks under bench/.\n")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
