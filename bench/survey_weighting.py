"""Time the raking of 10,000 survey answers to 4 margins (30 categories in all).

Data: 10,000 generated answers with an age band (10 categories), a sex (2), a neighbourhood
(12) and an occupation (6); their shares in the sample differ from the population's (the margins
are drawn apart, as non-response makes them), design weights vary from 1 to 4 around
population / answers. Population of 60,000.

Timed (median of 7, each call from the raw labels to the weights, checks included):
:func:`crimestats.survey.calibration.calibrate` (raking by Newton's method) and, in the same
run on the same data, the general-purpose survey library ``svy`` (the maintained successor of
``samplics``; ``Sample.weighting.rake``, iterative proportional fitting in Rust, tolerance
1e-13). The two weight vectors must agree to 1e-8 (relative). The linear (GREG) weights are
compared with ``svy``'s ``calibrate`` the same way. Target: our raking <= 0.5 s.

Usage: ``uv run python bench/survey_weighting.py``; appends to bench/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import svy

from crimestats.survey.calibration import CategoricalMargin, calibrate

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TARGET_SECONDS = 0.5
TOLERANCE = 1e-8
N_ANSWERS = 10_000
POPULATION = 60_000
SIZES = {"age": 10, "sexe": 2, "quartier": 12, "csp": 6}


def _median_time(call: Callable[[], Any], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def generate(seed: int = 2026) -> tuple[pl.DataFrame, dict[str, dict[str, float]]]:
    """Answers (labels and design weight ``w``) and population margins (counts)."""
    rng = np.random.default_rng(seed)
    columns: dict[str, list[str]] = {}
    margins: dict[str, dict[str, float]] = {}
    for name, k in SIZES.items():
        labels = [f"{name}-{i + 1}" for i in range(k)]
        population_share = rng.dirichlet(np.full(k, 8.0))
        sample_share = rng.dirichlet(population_share * 40)  # the sample drifts away
        columns[name] = [labels[i] for i in rng.choice(k, N_ANSWERS, p=sample_share)]
        counts = np.round(population_share * POPULATION)
        counts[-1] = POPULATION - counts[:-1].sum()
        margins[name] = {label: float(c) for label, c in zip(labels, counts, strict=True)}
    weights = POPULATION / N_ANSWERS * rng.uniform(0.5, 2.0, N_ANSWERS)
    return pl.DataFrame({"w": weights, **columns}), margins


def ours(data: pl.DataFrame, margins: dict[str, dict[str, float]], method: str) -> np.ndarray:
    result = calibrate(
        data["w"].to_numpy(),
        [CategoricalMargin(name, data[name].to_list(), margins[name]) for name in SIZES],
        method=method,  # type: ignore[arg-type]
    )
    return result.weights


def svy_raking(data: pl.DataFrame, margins: dict[str, dict[str, float]]) -> np.ndarray:
    sample = svy.Sample(data, svy.Design(wgt="w"))
    raked = sample.weighting.rake(controls=margins, tol=1e-13, max_iter=1000)
    return raked.data["rk_wgt"].to_numpy()


def svy_linear(data: pl.DataFrame, margins: dict[str, dict[str, float]]) -> np.ndarray:
    sample = svy.Sample(data, svy.Design(wgt="w"))
    controls = {svy.Cat(name): margins[name] for name in SIZES}
    calibrated = sample.weighting.calibrate(controls=controls)
    return calibrated.data["calib_wgt"].to_numpy()


def main() -> None:
    warnings.simplefilter("ignore")
    data, margins = generate()
    load = os.getloadavg()[0]
    rows = []
    for method, peer in (("raking", svy_raking), ("linear", svy_linear)):
        mine = ours(data, margins, method)
        theirs = peer(data, margins)
        difference = float(np.max(np.abs(mine / theirs - 1)))
        t_ours = _median_time(lambda m=method: ours(data, margins, m))  # type: ignore[misc]
        t_peer = _median_time(lambda p=peer: p(data, margins))  # type: ignore[misc]
        rows.append((method, t_ours, t_peer, difference))
    raking = rows[0]
    lines = [
        "",
        f"## Survey weighting, 10,000 answers to 4 margins — {dt.date.today().isoformat()}",
        "",
        "- command: `python bench/survey_weighting.py`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, svy {svy.__version__}; load average (1 min) {load:.1f} "
        "at the start (shared with other engineers' jobs)",
        f"- data: {N_ANSWERS:,} generated answers, margins "
        + ", ".join(f"{k} {v}" for k, v in SIZES.items())
        + f" ({sum(SIZES.values())} categories), population {POPULATION:,}; design weights "
        "vary 1 to 4",
    ]
    for method, t_ours, t_peer, difference in rows:
        peer_name = "rake (IPF)" if method == "raking" else "calibrate"
        lines.append(
            f"- {method}: crimestats.survey.calibrate {t_ours * 1e3:.1f} ms, svy {peer_name} "
            f"{t_peer * 1e3:.1f} ms (median of 7); largest relative difference of the weights "
            f"{difference:.1e} (tolerance {TOLERANCE:.0e}: "
            f"{'met' if difference <= TOLERANCE else 'NOT met'})"
        )
    lines.append(
        f"- target: raking <= {TARGET_SECONDS} s: "
        f"{'met' if raking[1] <= TARGET_SECONDS else 'NOT met'}"
    )
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if any(r[3] > TOLERANCE for r in rows) or raking[1] > TARGET_SECONDS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
