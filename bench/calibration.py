"""Calibration of every verdict: false-positive rates under the null, power under known effects.

Simulation studies, 1,000 runs per line (fixed seeds), of the tests the evaluation pages and the
hot-spot map rest on. Under the null (no effect, no hot spot) the share of "significant"
verdicts should stay at or below the nominal 5 % (plus the simulation error: for 1,000 runs,
one binomial standard error is sqrt(0.05 x 0.95 / 1000) = 0.69 point); with a known effect, the
detection rate should match the power the pages state (80 % at the detectable effect), within a
few points (one standard error at 80 %: 1.26 points).

Series are Poisson with the demo's levels (12, 90 and 500 facts a year: a small commune, Rouen's
"destructions", a large indicator), and "overdispersed" lines add year-to-year extra variation
(a gamma factor of coefficient of variation 0.1, the order of the national series'), so that
what Poisson tests assume is also checked against what recorded crime does.

- Change test (:func:`crimestats.change.poisson_change`): two years of one commune.
- Difference-in-differences (:func:`crimestats.counterfactual.poisson_did`): one commune and
  20 comparison communes, 5 years before and 3 after, levels 0.5 to 2 times the commune's;
  "significant" = the quasi-Poisson p-value below 5 % and the design conclusive
  (:func:`check_did`); effect = the detectable drop the page states on each panel's facts
  (quasi-Poisson, the variance under the effect), then facts drawn with that drop.
- Synthetic control (:func:`placebo_test`, the relative post-period RMSPE): rates of 20
  donors on a common path with noise, the treated commune a mix of three of them (so at the
  centre of its donors, as a commune among its most similar ones); "significant" = placebo p
  <= 5 % and the design conclusive; effect = the placebo-based detectable drop the page states
  on each panel, applied to the commune's rates after the start.
- Hot spots (:func:`grid_hotspots`): events uniform over a 3 x 3.4 km box (complete spatial
  randomness); "significant" = any hot or cold cell (under the global null every discovery is
  false, so this is the false discovery rate); power with a cluster of 30 events within 60 m.

Usage: ``python3 -m uv run --frozen python bench/calibration.py [--runs N] [--print-only]``;
results are appended to bench/RESULTS.md unless ``--print-only``.
"""

from __future__ import annotations

import argparse
import datetime
import math
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crimestats.change import poisson_change
from crimestats.counterfactual import (
    PRE_TREND_ALPHA,
    check_did,
    check_synthetic_control,
    placebo_test,
    poisson_did,
    pre_trend_test,
    synthetic_control_detectable,
)
from crimestats.hotspots import grid_hotspots
from crimestats.power import detectable_change, did_detectable_from_se
from crimestats.trend import quasi_poisson_trend

RESULTS = Path(__file__).parent / "RESULTS.md"
ALPHA = 0.05


def _counts(rng: np.random.Generator, mean: np.ndarray, cv: float) -> np.ndarray:
    if cv > 0:
        shape = 1 / cv**2
        mean = mean * rng.gamma(shape, 1 / shape, mean.shape)
    return rng.poisson(mean).astype(float)


def change_line(level: float, cv: float, effect: bool, runs: int, seed: int) -> tuple[float, str]:
    rng = np.random.default_rng(seed)
    d = detectable_change(level, 1, 1)
    ratio = d.ratio if effect else 1.0
    before = _counts(rng, np.full(runs, level), cv)
    after = _counts(rng, np.full(runs, level * ratio), cv)
    rate = float(np.mean(poisson_change(before, 1, after, 1).p_value < ALPHA))
    what = f"baisse de {100 * -d.relative_change:.0f} % (détectable)" if effect else "aucun"
    return rate, what


def quasi_change_line(
    level: float, cv: float, effect: bool, runs: int, seed: int
) -> tuple[float, str]:
    """The change test with the extra variation estimated on the series' history: 6 years
    before the baseline year and the baseline itself (quasi-Poisson trend, 5 df), then the
    baseline against the next year, as the evaluation does. With an effect, each run states
    the detectable drop as the page does (on the baseline year's facts, with the series' own
    dispersion when above 1, else the exact test's), and the next year's facts follow a drop
    of that size."""
    rng = np.random.default_rng(seed)
    years = np.arange(7)
    history = _counts(rng, np.full((runs, 7), level), cv)
    trend = quasi_poisson_trend(history, 1.0, years)
    phi = np.asarray(trend.dispersion, dtype=np.float64)
    phi = np.where(np.isfinite(phi), phi, 1.0)
    ratio = np.ones(runs)
    what = "aucun"
    if effect:
        for i in range(runs):
            extra = phi[i] > 1
            d = detectable_change(
                float(history[i, -1]),
                1,
                1,
                dispersion=float(phi[i]),
                dispersion_df=5 if extra else None,
            )
            ratio[i] = d.ratio if d.detectable else math.nan
        stated = 1 - ratio[np.isfinite(ratio)]
        what = f"la baisse dite détectable (médiane {100 * float(np.median(stated)):.0f} %)"
    kept = np.isfinite(ratio)
    after = _counts(rng, np.full(runs, level) * np.where(kept, ratio, 1.0), cv)
    extra_phi = np.where(phi > 1, phi, 1.0)
    result = poisson_change(history[:, -1], 1, after, 1, dispersion=extra_phi, dispersion_df=5)
    return float(np.mean((result.p_value < ALPHA)[kept])), what


def _did_levels(rng: np.random.Generator, level: float) -> np.ndarray:
    return np.r_[level, level * rng.uniform(0.5, 2.0, 20)]


def _did_panel(
    rng: np.random.Generator, levels: np.ndarray, cv: float, ratio: float
) -> tuple[np.ndarray, np.ndarray]:
    path = np.array([1.0, 1.04, 0.98, 1.02, 1.0, 0.97, 1.01, 0.99])
    mean = levels[:, None] * path[None, :]
    mean[0, 5:] *= ratio
    return _counts(rng, mean, cv), np.ones(21)


def _did_detected(counts: np.ndarray, exposures: np.ndarray) -> bool:
    result = poisson_did(counts, exposures, 5, placebo=False)
    check = check_did(result, pre_trend_test(counts, exposures, 5))
    return bool(check.conclusive and result.p_value < ALPHA)


def _stated_drop(stated: list[float], runs: int) -> str:
    """What the effect lines simulate: each panel's stated detectable drop (their median)."""
    return (
        f"la baisse dite détectable (médiane {100 * -float(np.median(stated)):.0f} %"
        + (f", {runs - len(stated)} non détectables" if len(stated) < runs else "")
        + ")"
    )


def did_line(level: float, cv: float, effect: bool, runs: int, seed: int) -> tuple[float, str]:
    """Under the null, the share of panels found significant and conclusive. With an effect,
    each run is one commune and its comparison communes (levels drawn once): the page states
    the detectable drop on the facts it has (a panel without effect), then the facts that
    follow a drop of that size are tested; the detection rate is to match the 80 % stated."""
    rng = np.random.default_rng(seed)
    hits = 0
    stated: list[float] = []
    for _ in range(runs):
        levels = _did_levels(rng, level)
        counts, exposures = _did_panel(rng, levels, cv, 1.0)
        if not effect:
            hits += _did_detected(counts, exposures)
            continue
        fit = poisson_did(counts, exposures, 5, placebo=False)
        detectable = did_detectable_from_se(
            fit.delta_se,
            fit.df,
            gate_alpha=PRE_TREND_ALPHA,
            treated_post_count=float(counts[0, 5:].sum()),
            scale=fit.scale,
        )
        if not detectable.detectable:
            continue
        stated.append(detectable.relative_change)
        counts, exposures = _did_panel(rng, levels, cv, detectable.ratio)
        hits += _did_detected(counts, exposures)
    if not effect:
        return hits / runs, "aucun"
    return hits / max(len(stated), 1), _stated_drop(stated, runs)


def _sc_panel(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    years = 10
    common = 10 + np.cumsum(rng.normal(0, 0.3, years))
    donors = common[:, None] * rng.uniform(0.7, 1.3, 20)[None, :] + rng.normal(0, 0.3, (years, 20))
    treated = donors[:, :3].mean(axis=1) + rng.normal(0, 0.3, years)
    return treated, donors


def _sc_detected(treated: np.ndarray, donors: np.ndarray) -> bool:
    result = placebo_test(treated, donors, 6)
    return bool(check_synthetic_control(result).conclusive and result.p_value <= ALPHA)


def sc_line(effect: bool, runs: int, seed: int) -> tuple[float, str]:
    """Under the null, the share of panels found significant and conclusive. With an effect,
    the page states the detectable drop from each panel's placebos (the commune's series
    without effect), then the commune's rates after the start are lowered by that drop and
    tested again; the detection rate is to match the 80 % stated."""
    rng = np.random.default_rng(seed)
    hits = 0
    stated: list[float] = []
    for _ in range(runs):
        treated, donors = _sc_panel(rng)
        if not effect:
            hits += _sc_detected(treated, donors)
            continue
        d = synthetic_control_detectable(placebo_test(treated, donors, 6), donors)
        if not d.detectable:
            continue
        stated.append(d.relative_change)
        treated = treated.copy()
        treated[6:] *= d.ratio
        hits += _sc_detected(treated, donors)
    if not effect:
        return hits / runs, "aucun"
    return hits / max(len(stated), 1), _stated_drop(stated, runs)


def hotspot_line(n_events: int, cluster: bool, runs: int, seed: int) -> tuple[float, str]:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(runs):
        x, y = rng.uniform(0, 3000, n_events), rng.uniform(0, 3400, n_events)
        if cluster:
            x = np.r_[x, rng.normal(1500, 60, 30)]
            y = np.r_[y, rng.normal(1700, 60, 30)]
        lon = 1.09 + x / (111_320 * math.cos(math.radians(49.44)))
        lat = 49.44 + y / 110_574
        grid = grid_hotspots(lon, lat)
        hits += bool(grid.hot.any() if cluster else (grid.hot.any() or grid.cold.any()))
    return hits / runs, "30 faits dans un rayon de 60 m" if cluster else "aucun (CSR)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--print-only", action="store_true")
    args = parser.parse_args()
    runs = args.runs
    se_null = math.sqrt(0.05 * 0.95 / runs)
    se_power = math.sqrt(0.8 * 0.2 / runs)
    lines: list[tuple[str, str, str, Callable[[], tuple[float, str]]]] = []
    for level in (12, 90, 500):
        for cv in (0.0, 0.1):
            series = f"{level} faits/an" + (", surdispersé (CV 0,1)" if cv else "")
            for effect in (False, True):
                lines.append(
                    (
                        "Évolution (test exact)",
                        series,
                        "puissance" if effect else "faux positifs",
                        lambda level=level, cv=cv, effect=effect: change_line(
                            level, cv, effect, runs, 100 + level
                        ),
                    )
                )
    for level in (90, 500):
        for cv in (0.0, 0.1):
            series = f"{level} faits/an" + (", surdispersé (CV 0,1)" if cv else "")
            for effect in (False, True):
                lines.append(
                    (
                        "Évolution (quasi-Poisson, historique de 7 ans)",
                        series,
                        "puissance" if effect else "faux positifs",
                        lambda level=level, cv=cv, effect=effect: quasi_change_line(
                            level, cv, effect, runs, 150 + level
                        ),
                    )
                )
    for level in (12, 90):
        for cv in (0.0, 0.1):
            series = f"{level} faits/an, 20 témoins" + (", surdispersé" if cv else "")
            for effect in (False, True):
                lines.append(
                    (
                        "Différence de différences",
                        series,
                        "puissance" if effect else "faux positifs",
                        lambda level=level, cv=cv, effect=effect: did_line(
                            level, cv, effect, runs, 200 + level
                        ),
                    )
                )
    for effect in (False, True):
        lines.append(
            (
                "Contrôle synthétique",
                "taux ~10 pour 1 000, 20 donneurs",
                "puissance" if effect else "faux positifs",
                lambda effect=effect: sc_line(effect, runs, 300),
            )
        )
    for n_events, cluster in ((17, False), (200, False), (2000, False), (200, True)):
        lines.append(
            (
                "Points chauds",
                f"{n_events} faits",
                "puissance" if cluster else "faux positifs",
                lambda n_events=n_events, cluster=cluster: hotspot_line(
                    n_events, cluster, runs, 400 + n_events
                ),
            )
        )
    rows = []
    start = time.perf_counter()
    for method, series, kind, run in lines:
        t0 = time.perf_counter()
        rate, what = run()
        target = "<= 5 %" if kind == "faux positifs" else "80 %"
        se = se_null if kind == "faux positifs" else se_power
        row = (
            f"| {method} | {series} | {what} | {100 * rate:.1f} % | {target} "
            f"(erreur de simulation {100 * se:.1f} pt) | {time.perf_counter() - t0:.1f} s |"
        )
        print(row, flush=True)
        rows.append(row)
    total = time.perf_counter() - start
    header = (
        "| Méthode | Séries | Effet simulé | Taux « significatif » | Attendu | Durée |\n"
        "|---|---|---|---|---|---|"
    )
    text = (
        f"\n## Calibration of the verdicts ({datetime.date.today().isoformat()}, "
        f"{platform.python_version()}, {runs} runs per line, {total:.0f} s)\n\n"
        f"`python3 -m uv run --frozen python bench/calibration.py --runs {runs}`\n\n"
        f"{header}\n" + "\n".join(rows) + "\n"
    )
    print(text)
    if not args.print_only:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
