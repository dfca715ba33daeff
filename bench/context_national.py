"""Benchmark: importing the national Filosofi file (`stspd import-context filosofi`) and choosing
the similar communes on context, against a plain polars read of the same file in the same run.

The national file is not shipped (34,909 communes, 0.5 MB gzipped): give its path. Runs on
SQLite (a fresh file) by default, on PostgreSQL when DATABASE_URL is set (a fresh
`bench_stspd` database is created and dropped). The similar communes are computed for a sample
of communes (every n-th commune in code order, `--sample`), the time per commune written down
with the extrapolation to all of them.

Usage: `python3 -m uv run python bench/context_national.py FILOSOFI_FILE [--sample 500]`;
results are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cog_import import setup_django

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RUNS = 3


def polars_read(path: Path) -> float:
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_csv(path, separator=";", infer_schema=False)
    assert frame.height > 34_000
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("filosofi", type=Path)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir)
        import polars as pl

        from crimestats.similar import similar_communes
        from stspd.context.importer import import_context
        from stspd.context.summary import similarity_features
        from stspd.territories.importer import import_cog
        from stspd.territories.models import Commune

        import_cog()
        floors = [polars_read(args.filosofi) for _ in range(RUNS)]
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        report = import_context(args.filosofi, "filosofi")
        first = time.perf_counter() - start
        rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        again = []
        for _ in range(RUNS - 1):
            start = time.perf_counter()
            import_context(args.filosofi, "filosofi")
            again.append(time.perf_counter() - start)

        start = time.perf_counter()
        rows = list(
            Commune.objects.filter(kind="commune", population__gt=0).values_list(
                "code", "population", "epci__kind", "departement__code"
            )
        )
        context = similarity_features({code for code, *_ in rows})
        assert context is not None
        features = pl.DataFrame(
            {
                "code": [r[0] for r in rows],
                "population": [r[1] for r in rows],
                "dwellings": [None] * len(rows),
                "epci_type": [r[2] for r in rows],
                "departement": [r[3] for r in rows],
                **{
                    column: [context[r[0]][column] for r in rows]
                    for column in ("poverty_rate", "median_income", "social_housing_rate", "qpv")
                },
            },
            schema_overrides={"dwellings": pl.Int64, "qpv": pl.Boolean},
        )
        features_time = time.perf_counter() - start
        codes = sorted(features.get_column("code").to_list())
        sample = codes[:: max(1, len(codes) // args.sample)]
        start = time.perf_counter()
        for code in sample:
            similar_communes(features, code, k=10)
        per_commune = (time.perf_counter() - start) / len(sample)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    floor = statistics.median(floors)
    lines = [
        f"## Context: national Filosofi import and similar communes — "
        f"{datetime.date.today().isoformat()} — {vendor}",
        "",
        "- command: `python bench/context_national.py FILOSOFI_FILE`",
        f"- machine: {platform.machine()}, Python {platform.python_version()}",
        f"- file: {args.filosofi.name}, {report.rows_read} communes, {report.stored} values stored",
        f"- floor (plain polars read of the same file, median of {RUNS}): {floor:.2f} s",
        f"- first import: {first:.2f} s ({first / floor:.0f}x the floor); peak resident memory "
        f"{rss_before:.0f} MB before it (Django, the reference), {rss_import:.0f} MB after",
        f"- re-import (replaces the edition), median: {statistics.median(again):.2f} s",
        f"- similar communes: features of {features.height} communes read in "
        f"{features_time:.2f} s; {1000 * per_commune:.1f} ms per commune over a sample of "
        f"{len(sample)}, so {per_commune * features.height:.0f} s for all of them (one process)",
        f"- process peak resident memory: {rss:.0f} MB",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n" + text)


if __name__ == "__main__":
    main()
