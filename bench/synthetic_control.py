"""Time the synthetic control of one commune with its placebos, against pysyncon in the same run.

Data: a synthetic panel of 35,000 communes x 10 years (2016-2025, the first 6 before the action)
of rates per 1,000: a level per commune (log-normal, median 8), a slope per commune (-2 % a year
on average, sd 1 %), a common yearly shock and a yearly noise of 10 %; the treated commune's rate
drops by 20 % after the start. Rates are made up, not SSMSI figures.

1. One commune with a pool of 200 donors: :func:`crimestats.counterfactual.placebo_test` (the
   fit and 200 placebo refits), median of 5; target <= 1 s. Peer, same problem, same run:
   pysyncon's ``Synth.fit`` on the 6 pre-period rates as predictors, (a) as documented (``V``
   optimised by Nelder-Mead, each step an SLSQP fit of the weights), timed on the treated
   commune only (one fit takes minutes) and (b) with ``custom_V`` = the predictors' variances
   (its inner problem alone, the same objective as ours), timed on the treated commune and
   ``PLACEBOS`` placebos; both extrapolated to the 201 fits. Target: a pre-period RMSPE no
   larger than pysyncon's.
2. The same commune against all the others (34,999 donors): :func:`synthetic_control`, median
   of 5; target <= 0.1 s. Floor: one pass over the donors' pre-period matrix (the squared
   distances of every donor to the commune), the least any method must read.

Usage: ``uv run python bench/synthetic_control.py [number of pysyncon default fits, 1]``;
appends to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from crimestats.counterfactual import placebo_test, synthetic_control

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
COMMUNES = 35_000
YEARS = 10
N_PRE = 6
POOL = 200
PLACEBOS = 4
TARGET_PLACEBO_SECONDS = 1.0
TARGET_NATIONAL_SECONDS = 0.1


def panel(seed: int = 20261130) -> np.ndarray:
    """Rates per 1,000, (years, communes); commune 0 is treated."""
    rng = np.random.default_rng(seed)
    level = rng.lognormal(math.log(8.0), 0.6, COMMUNES)
    slope = rng.normal(-0.02, 0.01, COMMUNES)
    common = np.cumsum(rng.normal(0.0, 0.04, YEARS))
    noise = rng.normal(0.0, 0.1, (YEARS, COMMUNES))
    years = np.arange(YEARS)[:, None]
    rates = level * np.exp(years * slope + common[:, None] + noise)
    rates[N_PRE:, 0] *= 0.8
    return np.ascontiguousarray(rates)


def _median_time(call: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pysyncon_fit(
    treated: np.ndarray, donors: np.ndarray, custom: bool
) -> tuple[float, np.ndarray, float]:
    """(seconds, weights divided by their sum, pre-period RMSPE) of one pysyncon fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pysyncon import Synth

        rows = [f"y{t}" for t in range(N_PRE)]
        x0 = pd.DataFrame(donors[:N_PRE], index=rows)
        x0.columns = [f"c{j}" for j in range(donors.shape[1])]
        x1 = pd.Series(treated[:N_PRE], index=rows, name="treated")
        synth = Synth()
        started = time.perf_counter()
        if custom:
            spread = pd.concat([x0, x1], axis=1).std(axis=1).to_numpy()
            synth.fit(X0=x0, X1=x1, Z0=x0, Z1=x1, custom_V=spread**2)
        else:
            synth.fit(X0=x0, X1=x1, Z0=x0, Z1=x1)
        seconds = time.perf_counter() - started
    weights = np.asarray(synth.W) / np.sum(synth.W)
    gap = treated[:N_PRE] - donors[:N_PRE] @ weights
    return seconds, weights, math.sqrt(float(np.mean(gap**2)))


def main() -> None:
    default_fits = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rates = panel()
    treated, pool = rates[:, 0], rates[:, 1 : POOL + 1]

    result = placebo_test(treated, pool, N_PRE)
    ours = _median_time(lambda: placebo_test(treated, pool, N_PRE))

    default = [_pysyncon_fit(treated, pool, custom=False) for _ in range(default_fits)]
    custom = [_pysyncon_fit(treated, pool, custom=True)]
    placebo_gaps = []
    for j in range(PLACEBOS):
        others = np.delete(pool, j, axis=1)
        seconds, _, rmspe = _pysyncon_fit(pool[:, j], others, custom=True)
        custom.append((seconds, _, rmspe))
        placebo_gaps.append(rmspe - float(result.placebo_pre_rmspe[j]))
    fits = POOL + 1
    default_per_fit = statistics.mean(s for s, _, _ in default)
    custom_per_fit = statistics.mean(s for s, _, _ in custom)
    pre_ours = result.fit.pre_rmspe
    pre_default = default[0][2]
    pre_custom = custom[0][2]
    fit_ok = pre_ours <= min(pre_default, pre_custom) + 1e-12 and min(placebo_gaps) >= -1e-12

    others = np.ascontiguousarray(rates[:, 1:])
    national = synthetic_control(treated, others, N_PRE)
    ours_national = _median_time(lambda: synthetic_control(treated, others, N_PRE))

    def floor_pass() -> None:
        c = others[:N_PRE] - treated[:N_PRE, None]
        np.einsum("tj,tj->j", c, c)

    floor = _median_time(floor_pass)

    lines = [
        "",
        f"## Synthetic control and placebos — {dt.date.today().isoformat()} — "
        f"{platform.machine()}, {os.cpu_count()} cores",
        "",
        "- command: `python bench/synthetic_control.py`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__} (shared with other engineers' "
        "jobs while it ran)",
        f"- data: synthetic panel of {COMMUNES:,} communes x {YEARS} years ({N_PRE} before the "
        "action), rates per 1,000 (level, slope, common shock, 10 % noise; treated commune -20 % "
        "after)",
        f"- one commune, {POOL} donors, fit + {POOL} placebo refits (placebo_test, median of 5): "
        f"{ours:.3f} s; target <= {TARGET_PLACEBO_SECONDS:g} s: "
        f"{'met' if ours <= TARGET_PLACEBO_SECONDS else 'NOT MET'}; treated pre-RMSPE "
        f"{pre_ours:.6f}, rank {result.rank} of {result.n_placebos + 1}",
        f"- pysyncon {_pysyncon_version()} Synth.fit as documented (V by Nelder-Mead), "
        f"{default_fits} fit(s) timed: {default_per_fit:.1f} s per fit -> "
        f"{default_per_fit * fits / 3600:.1f} h extrapolated to {fits} fits "
        f"({default_per_fit * fits / ours:,.0f}x ours); pre-RMSPE {pre_default:.6f}",
        f"- pysyncon Synth.fit with custom_V (its inner problem only, our objective), "
        f"{len(custom)} fits timed: {custom_per_fit:.2f} s per fit -> "
        f"{custom_per_fit * fits:.0f} s extrapolated to {fits} fits "
        f"({custom_per_fit * fits / ours:,.0f}x ours); pre-RMSPE {pre_custom:.6f}; on "
        f"{PLACEBOS} placebos pysyncon's pre-RMSPE minus ours: "
        f"{', '.join(f'{g:+.2e}' for g in placebo_gaps)}",
        f"- same or better pre-period fit than pysyncon: {'met' if fit_ok else 'NOT MET'}",
        f"- one commune against all {others.shape[1]:,} others as donors (synthetic_control, "
        f"median of 5): {ours_national * 1e3:.1f} ms ({ours_national / floor:,.0f}x the floor, "
        f"one pass over the {N_PRE} x {others.shape[1]:,} pre-period matrix: "
        f"{floor * 1e3:.2f} ms); {np.count_nonzero(national.weights)} non-zero weights, "
        f"pre-RMSPE {national.pre_rmspe:.2e}; target <= {TARGET_NATIONAL_SECONDS:g} s: "
        f"{'met' if ours_national <= TARGET_NATIONAL_SECONDS else 'NOT MET'}",
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def _pysyncon_version() -> str:
    from importlib.metadata import version

    return version("pysyncon")


if __name__ == "__main__":
    main()
