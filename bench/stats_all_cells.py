"""Time the statistics of every cell and every series of a national-size communal file.

Data: :func:`bench.ssmsi_national.generate` (34,900 communes x 15 indicators x 10 years, about
5.2 million cells, 48 % suppressed). Timed, median of 3 runs:

- Garwood rates and intervals of all cells (:func:`crimestats.rates.rate_with_interval`);
- the quasi-Poisson trend (:func:`crimestats.trend.quasi_poisson_trend`) and the Mann-Kendall
  test (:func:`crimestats.trend.mann_kendall`) of all commune x indicator series (~523,500).

Target: <= 3 s for the three together. Peer: statsmodels' GLM (quasi-Poisson) and
pymannkendall, one series at a time, timed on a random sample of series and extrapolated to all;
target >= 50x faster. The results on the sample must be equal (max differences printed).

Usage: ``uv run python bench/stats_all_cells.py [sample-size]``; appends to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pymannkendall
import statsmodels.api as sm
from ssmsi_national import YEARS, generate  # bench/ is on sys.path when run as a script

from crimestats.rates import rate_with_interval
from crimestats.trend import mann_kendall, quasi_poisson_trend

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TARGET_SECONDS = 3.0
TARGET_SPEED_UP = 50.0


def series_arrays(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts, denominators) as series x years, and the years."""
    ordered = frame.sort("geo_code", "indicator", "year")
    denominator = (
        pl.when(pl.col("denominator_kind") == "dwellings")
        .then(pl.col("dwellings"))
        .otherwise(pl.col("population"))
    )
    parts = ordered.select(
        pl.col("count").cast(pl.Float64).fill_null(np.nan), denominator.cast(pl.Float64)
    )
    n_years = len(YEARS)
    counts = parts.to_series(0).to_numpy().reshape(-1, n_years)
    denominators = parts.to_series(1).to_numpy().reshape(-1, n_years)
    return counts, denominators, np.array(list(YEARS), dtype=np.float64)


def main() -> None:
    sample_size = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    frame = generate()
    counts, denominators, years = series_arrays(frame)
    flat_counts, flat_denominators = counts.ravel(), denominators.ravel()
    n_cells, n_series = flat_counts.size, counts.shape[0]
    suppressed = float(np.isnan(flat_counts).mean())
    print(f"{n_cells:,} cells ({suppressed:.0%} suppressed), {n_series:,} series")

    timings: dict[str, list[float]] = {"garwood": [], "trend": [], "mk": []}
    for _ in range(3):
        started = time.perf_counter()
        rate_with_interval(flat_counts, flat_denominators)
        timings["garwood"].append(time.perf_counter() - started)
        started = time.perf_counter()
        trend = quasi_poisson_trend(counts, denominators, years)
        timings["trend"].append(time.perf_counter() - started)
        started = time.perf_counter()
        mk = mann_kendall(counts)
        timings["mk"].append(time.perf_counter() - started)
    garwood_s, trend_s, mk_s = (statistics.median(timings[k]) for k in ("garwood", "trend", "mk"))
    total = garwood_s + trend_s + mk_s
    reasons = dict(zip(*np.unique(trend.reason, return_counts=True), strict=True))
    print(f"garwood {garwood_s:.2f} s, trend {trend_s:.2f} s, mann-kendall {mk_s:.2f} s")
    print(f"trend reasons: {reasons}")

    # Peer, on a random sample of the series a GLM can fit.
    rng = np.random.default_rng(7)
    fitted = np.flatnonzero(trend.reason == "ok")
    sample = np.sort(rng.choice(fitted, size=min(sample_size, fitted.size), replace=False))
    ours = quasi_poisson_trend(counts[sample], denominators[sample], years, floor_dispersion=False)
    diffs = {"slope": 0.0, "p_glm": 0.0, "phi": 0.0, "p_mk": 0.0, "sen": 0.0, "s": 0.0}
    started = time.perf_counter()
    glm_fits = []
    peer_failed = 0
    for i in sample:
        keep = ~np.isnan(counts[i])
        x = sm.add_constant(years[keep] - years.mean())
        model = sm.GLM(
            counts[i][keep],
            x,
            family=sm.families.Poisson(),
            offset=np.log(denominators[i][keep]),
        )
        try:
            glm_fits.append(model.fit(scale="X2", use_t=True))
        except ValueError:  # NaN first deviance, e.g. constant counts (zero Pearson start)
            glm_fits.append(None)
            peer_failed += 1
    glm_per_series = (time.perf_counter() - started) / sample.size
    started = time.perf_counter()
    mk_fits = [pymannkendall.original_test(counts[i]) for i in sample]
    mk_per_series = (time.perf_counter() - started) / sample.size
    for row, (i, fit, peer_mk) in enumerate(zip(sample, glm_fits, mk_fits, strict=True)):
        diffs["p_mk"] = max(diffs["p_mk"], abs(mk.p_value[i] - peer_mk.p))
        diffs["sen"] = max(diffs["sen"], abs(mk.slope[i] - peer_mk.slope))
        diffs["s"] = max(diffs["s"], abs(mk.s[i] - peer_mk.s))
        if fit is None:
            continue
        diffs["slope"] = max(diffs["slope"], abs(ours.slope[row] - fit.params[1]))
        diffs["p_glm"] = max(diffs["p_glm"], abs(ours.p_value[row] - fit.pvalues[1]))
        diffs["phi"] = max(diffs["phi"], abs(ours.dispersion[row] - fit.scale))
    peer_trend = glm_per_series * fitted.size
    peer_mk = mk_per_series * int((mk.n_points >= 3).sum())
    speed_up = (peer_trend + peer_mk) / (trend_s + mk_s)
    equal = diffs["slope"] < 1e-6 and diffs["p_glm"] < 1e-6 and diffs["p_mk"] < 1e-9
    equal = equal and diffs["sen"] < 1e-9 and diffs["s"] == 0
    print(
        f"peer: statsmodels {glm_per_series * 1e3:.2f} ms/series, pymannkendall "
        f"{mk_per_series * 1e3:.3f} ms/series -> {peer_trend + peer_mk:.0f} s for all; "
        f"{speed_up:.0f}x; max abs diff {diffs}"
    )
    met_time = total <= TARGET_SECONDS
    met_speed = speed_up >= TARGET_SPEED_UP
    lines = [
        "",
        f"## Statistics of all cells and series — {dt.date.today().isoformat()} — "
        f"{platform.machine()}, {os.cpu_count()} cores",
        "",
        f"- command: `python bench/stats_all_cells.py {sample_size}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} (shared with other engineers' jobs while it ran)",
        f"- data: `bench/ssmsi_national.py` generate(): {n_cells:,} cells "
        f"({suppressed:.0%} suppressed), {n_series:,} commune x indicator series",
        f"- Garwood rates and intervals, all cells (median of 3): {garwood_s:.2f} s",
        f"- quasi-Poisson trend, all series: {trend_s:.2f} s (fitted {fitted.size:,}; "
        f"{', '.join(f'{k} {v:,}' for k, v in reasons.items())})",
        f"- Mann-Kendall + Sen's slope, all series: {mk_s:.2f} s",
        f"- total {total:.2f} s; target <= {TARGET_SECONDS:.0f} s: "
        f"{'met' if met_time else 'NOT met'}",
        f"- peer, one series at a time on {sample.size} random series, extrapolated: statsmodels "
        f"GLM quasi-Poisson {glm_per_series * 1e3:.2f} ms/series -> {peer_trend:.0f} s, "
        f"pymannkendall.original_test {mk_per_series * 1e3:.3f} ms/series -> {peer_mk:.0f} s",
        f"- trend + Mann-Kendall {speed_up:.0f}x faster than the peer; target >= "
        f"{TARGET_SPEED_UP:.0f}x: {'met' if met_speed else 'NOT met'}",
        "- same results on the sample: "
        + ("yes" if equal else "NO")
        + " (max abs diff: "
        + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
        + f'; statsmodels raised an error on {peer_failed} series of the sample ("first guess '
        + 'on the deviance returned a nan", as for constant counts); crimestats fits them)',
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not equal:
        raise SystemExit("results differ from the peer")


if __name__ == "__main__":
    main()
