"""Time the funnel plot of one indicator-year across all communes.

Data: :func:`bench.ssmsi_national.generate` (34,900 communes, 48 % of cells suppressed), the
burglaries of the last year. Timed (median of 5): :func:`crimestats.funnel.funnel` on the
34,900 communes; floor: numpy's ``nansum`` of the same two arrays (the least any funnel must do,
read both arrays once). Target <= 0.5 s.

Usage: ``uv run python bench/funnel.py``; appends to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import polars as pl
from ssmsi_national import YEARS, generate  # bench/ is on sys.path when run as a script

from crimestats.funnel import funnel

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TARGET_SECONDS = 0.5
INDICATOR = "Cambriolages de logement"


def _median_time(call: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    year = max(YEARS)
    cells = generate().filter((pl.col("indicator") == INDICATOR) & (pl.col("year") == year))
    counts = cells.get_column("count").cast(pl.Float64).fill_null(np.nan).to_numpy()
    dwellings = cells.get_column("dwellings").cast(pl.Float64).to_numpy()
    result = funnel(counts, dwellings)
    ours = _median_time(lambda: funnel(counts, dwellings))
    floor = _median_time(lambda: (np.nansum(counts), np.nansum(dwellings)))
    flags = dict(zip(*np.unique(result.flag, return_counts=True), strict=True))
    lines = [
        "",
        f"## Funnel of one indicator-year — {dt.date.today().isoformat()} — "
        f"{platform.machine()}, {os.cpu_count()} cores",
        "",
        "- command: `python bench/funnel.py`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} (shared with other engineers' jobs while it ran)",
        f"- data: `bench/ssmsi_national.py` generate(), {INDICATOR} {year}: {counts.size:,} "
        f"communes, {result.n_suppressed:,} suppressed; target rate "
        f"{result.target_rate:.3f} per 1,000 dwellings",
        f"- flags: {', '.join(f'{k} {v:,}' for k, v in flags.items())}",
        f"- floor (numpy nansum of the two arrays, median of 5): {floor * 1e3:.3f} ms",
        f"- funnel(), levels 95 % and 99.8 % (median of 5): {ours * 1e3:.1f} ms "
        f"({ours / floor:,.0f}x the floor); target <= {TARGET_SECONDS} s: "
        f"{'met' if ours <= TARGET_SECONDS else 'NOT met'}",
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
