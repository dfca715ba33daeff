"""How large a change an evaluation could have detected: power and minimum detectable effect.

"No significant change" on 12 facts a year is not "the action did nothing": with so few facts,
only a large change could have been told apart from chance. This module says how large.

**Change between two periods** (:func:`change_power`, :func:`detectable_change`), for the exact
test of :func:`crimestats.change.poisson_change`. The count before is taken as the expected
count before (``mu0``); over an exposure after ``e1`` (before: ``e0``) the count after is
expected to be ``mu1 = mu0 * e1 / e0`` if nothing changes, ``R * mu1`` if the rate is multiplied
by ``R``. Given the total ``n``, the count after is binomial with proportion
``p_R = R mu1 / (mu0 + R mu1)``, and the test rejects "no change" for the counts whose exact
two-sided p-value at ``p_1 = mu1 / (mu0 + mu1)`` is below ``alpha``: two tails ``k <= a_n`` and
``k >= b_n`` (the p-value grows towards the mode on each side), found once for every ``n`` by a
binary search. The exact power is then::

    sum over n of Poisson(n; mu0 + R mu1) * [Binom.cdf(a_n; n, p_R) + Binom.sf(b_n - 1; n, p_R)]

with ``n`` over the Poisson range holding all but 1e-13 of the mass. ``method="normal"`` gives
the large-sample power of the Wald test of ``log R`` with the variance under the alternative,
``1 / mu0 + 1 / (R mu1)`` (statsmodels' ``power_poisson_ratio_2indep`` with
``method_var="alt"``): ``Phi(|log R| / sd - z) + Phi(-|log R| / sd - z)``.

The *minimum detectable effect* is the ratio ``R`` at which the power reaches ``power`` (80 %
by default; ``method="auto"``: exact up to 5,000 expected facts, normal beyond): for a
decrease, the root in ``]0, 1[`` (Brent's method; the exact power is a
smooth function of ``R``, the rejection tails being fixed); ``detectable = False`` when even a
drop to zero would be seen less often than that (a few facts), or, for an increase, when even a
fifty-fold one would. It is a threshold: "cette évaluation ne pouvait détecter qu'une baisse
d'au moins 35 %" (:func:`describe_detectable`). Its French words say "au moins": a smaller true
change could exist unseen; the figure itself is not an estimate of the effect.

**Counterfactuals** (:func:`placebo_detectable_effect`): the placebo distribution stands for
what chance does to a commune that had no action. For an effect ``d`` (relative, -0.2 for a
20 % drop) added to each placebo's series after the start (``d`` times its synthetic or
expected level), the placebo's statistic is recomputed and ranked among the other placebos'
unchanged ones; the power at ``d`` is the share of placebos for which the rank p-value is at
most ``alpha`` (each placebo playing the treated commune among the ``n`` placebos, so
``p >= 1 / n``), and the detectable effect the smallest ``|d|`` (on a grid of whole percents)
reaching ``power``. With fewer than ``ceil(1 / alpha)`` placebos (20 at 5 %) no such p-value
can reach ``alpha``: nothing is said detectable, whatever the effect.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq
from scipy.stats import binom, norm, poisson
from scipy.stats import t as student

from crimestats.change import _binom_two_sided
from crimestats.french import number

__all__ = [
    "DetectableEffect",
    "change_power",
    "describe_detectable",
    "detectable_change",
    "did_detectable_effect",
    "did_detectable_from_se",
    "placebo_detectable_effect",
]

FloatArray = npt.NDArray[np.float64]
Direction = Literal["decrease", "increase"]
Method = Literal["auto", "exact", "normal"]

POWER = 0.8
MAX_INCREASE = 50.0
"""Largest ratio searched for an increase."""
_TAIL = 1e-13
EXACT_UP_TO = 5_000.0
"""With ``method="auto"``, the exact power up to this many expected facts (before + after),
the normal one beyond: at 2,500 + 2,500 facts the two detectable decreases differ by 0.035
point (7.81 % and 7.77 %), and the exact one would cost seconds."""


def _resolve(method: Method, mu0: float, mu1: float) -> Literal["exact", "normal"]:
    if method == "auto":
        return "exact" if mu0 + mu1 <= EXACT_UP_TO else "normal"
    if method not in ("exact", "normal"):
        raise ValueError(f"méthode attendue : auto, exact ou normal ; reçu {method}")
    return method


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest change an evaluation could detect with probability ``power`` at ``alpha``.

    ``relative_change`` (-0.35 for a 35 % drop, +0.5 for a 50 % rise) and ``ratio`` (0.65,
    1.5) are ``NaN`` when ``detectable`` is False; ``method`` says how it was computed
    ("exact", "normal", "placebo"); ``reason`` (French) why nothing is detectable, or "".
    """

    direction: Direction
    relative_change: float
    power: float
    alpha: float
    method: str
    detectable: bool
    reason: str = ""

    @property
    def ratio(self) -> float:
        return 1.0 + self.relative_change


def _rejection_tails(n: FloatArray, p1: float, alpha: float) -> tuple[FloatArray, FloatArray]:
    """For each total ``n``: ``a_n`` the largest count after at or below the mode whose exact
    two-sided p-value is below ``alpha`` (-1 when none), ``b_n`` the smallest at or above it
    (``n + 1`` when none)."""
    p = np.full(n.shape, p1)
    mode = n * p1
    # Low tail: largest k in [0, floor(mode)] with p-value < alpha; lo valid (-1), hi invalid.
    lo = np.full(n.shape, -1.0)
    hi = np.floor(mode) + 1
    while np.any(hi - lo > 1):
        active = hi - lo > 1
        mid = np.floor((lo + hi) / 2)
        rejects = np.zeros(n.shape, dtype=bool)
        rejects[active] = _binom_two_sided(mid[active], n[active], p[active]) < alpha
        lo = np.where(active & rejects, mid, lo)
        hi = np.where(active & ~rejects, mid, hi)
    low = lo
    # High tail: smallest k in [ceil(mode), n] with p-value < alpha; lo invalid, hi valid (n+1).
    lo = np.ceil(mode) - 1
    hi = n + 1
    while np.any(hi - lo > 1):
        active = hi - lo > 1
        mid = np.floor((lo + hi) / 2)
        rejects = np.zeros(n.shape, dtype=bool)
        rejects[active] = _binom_two_sided(mid[active], n[active], p[active]) < alpha
        hi = np.where(active & rejects, mid, hi)
        lo = np.where(active & ~rejects, mid, lo)
    return low, hi


class _ExactPower:
    """The exact power of the change test as a function of ``R``, tails computed once for the
    totals that matter between ``r_min`` and ``r_max``."""

    def __init__(self, mu0: float, mu1: float, alpha: float, r_min: float, r_max: float):
        self.mu0, self.mu1 = mu0, mu1
        first = float(poisson.ppf(_TAIL, mu0 + r_min * mu1))
        last = float(poisson.isf(_TAIL, mu0 + r_max * mu1))
        self.n = np.arange(max(first, 1.0), last + 1.0)
        self.low, self.high = _rejection_tails(self.n, mu1 / (mu0 + mu1), alpha)

    def __call__(self, ratio: float) -> float:
        lam = self.mu0 + ratio * self.mu1
        p = ratio * self.mu1 / lam
        reject = binom.cdf(self.low, self.n, p) + binom.sf(self.high - 1, self.n, p)
        return float(np.sum(poisson.pmf(self.n, lam) * reject))


def _normal_power(
    mu0: float,
    mu1: float,
    ratio: float,
    alpha: float,
    dispersion: float = 1.0,
    df: int | None = None,
) -> float:
    if ratio <= 0:
        return 1.0
    sd = math.sqrt(dispersion * (1 / mu0 + 1 / (ratio * mu1)))
    effect = abs(math.log(ratio)) / sd
    if df is not None and df > 0:  # Student's t, the dispersion being estimated on df
        t = float(student.isf(alpha / 2, df))
        return float(student.cdf(effect - t, df) + student.cdf(-effect - t, df))
    z = float(norm.isf(alpha / 2))
    return float(norm.cdf(effect - z) + norm.cdf(-effect - z))


def _check(
    count_before: float, exposure_before: float, exposure_after: float, alpha: float
) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha doit être dans ]0, 1[, reçu {alpha}")
    if not (math.isfinite(count_before) and count_before >= 0):
        raise ValueError("le nombre de faits avant doit être positif ou nul")
    if not (exposure_before > 0 and exposure_after > 0):
        raise ValueError("les expositions (population x années) doivent être positives")


def change_power(
    count_before: float,
    exposure_before: float,
    exposure_after: float,
    ratio: float,
    *,
    alpha: float = 0.05,
    method: Method = "auto",
) -> float:
    """Probability that :func:`crimestats.change.poisson_change` finds a significant change
    when the rate is multiplied by ``ratio``, ``count_before`` being the expected count before.

    >>> round(change_power(100, 1, 1, 0.65), 4)
    0.758
    >>> round(change_power(100, 1, 1, 0.65, method="normal"), 4)
    0.7715
    """
    _check(count_before, exposure_before, exposure_after, alpha)
    mu0 = float(count_before)
    mu1 = mu0 * exposure_after / exposure_before
    if mu0 == 0 or ratio < 0:
        return math.nan
    if _resolve(method, mu0, mu1) == "normal":
        return _normal_power(mu0, mu1, ratio, alpha)
    return _ExactPower(mu0, mu1, alpha, min(ratio, 1.0), max(ratio, 1.0))(ratio)


def detectable_change(
    count_before: float,
    exposure_before: float,
    exposure_after: float,
    *,
    alpha: float = 0.05,
    power: float = POWER,
    direction: Direction = "decrease",
    method: Method = "auto",
    dispersion: float = 1.0,
    dispersion_df: int | None = None,
) -> DetectableEffect:
    """The smallest decrease (or increase) of the rate the change test detects with probability
    ``power``, given ``count_before`` facts over ``exposure_before`` and an exposure after.
    ``dispersion`` above 1 (the series' extra year-to-year variation, as
    :func:`crimestats.change.poisson_change` takes it): the normal power with the variance
    multiplied by it ("quasi-Poisson"), with Student's t on ``dispersion_df`` degrees of
    freedom when given.

    >>> d = detectable_change(100, 1, 1)
    >>> d.detectable, round(d.relative_change, 4)
    (True, -0.3661)
    >>> describe_detectable(d)
    "cette évaluation ne pouvait détecter qu'une baisse d'au moins 37 %"
    >>> describe_detectable(detectable_change(3, 1, 1)).split(" : ")[1]
    'trop peu de faits (3 avant)'
    """
    _check(count_before, exposure_before, exposure_after, alpha)
    if not 0 < power < 1:
        raise ValueError(f"puissance attendue dans ]0, 1[, reçu {power}")
    mu0 = float(count_before)
    mu1 = mu0 * exposure_after / exposure_before
    used: str = _resolve(method, mu0, mu1)
    if dispersion > 1:
        used = "quasi-Poisson"
    effect = {"direction": direction, "power": power, "alpha": alpha, "method": used}
    if mu0 == 0:
        return DetectableEffect(
            relative_change=math.nan,
            detectable=False,
            reason="aucun fait avant : aucune évolution en pourcentage ne peut être testée",
            **effect,  # type: ignore[arg-type]
        )
    lo, hi = (0.0, 1.0) if direction == "decrease" else (1.0, MAX_INCREASE)
    power_at: Callable[[float], float]
    if used in ("normal", "quasi-Poisson"):

        def power_at(r: float) -> float:
            if used == "quasi-Poisson":
                return _normal_power(mu0, mu1, r, alpha, dispersion, dispersion_df)
            return _normal_power(mu0, mu1, r, alpha)
    else:
        power_at = _ExactPower(mu0, mu1, alpha, lo, hi)
    extreme = lo if direction == "decrease" else hi
    if power_at(extreme) < power:
        reason = (
            f"trop peu de faits ({number(mu0, 0)} avant)"
            if direction == "decrease"
            else f"trop peu de faits ({number(mu0, 0)} avant), même pour une multiplication par "
            f"{number(MAX_INCREASE, 0)}"
        )
        return DetectableEffect(
            relative_change=math.nan,
            detectable=False,
            reason=reason,
            **effect,  # type: ignore[arg-type]
        )
    ratio = brentq(lambda r: power_at(r) - power, lo, hi, xtol=1e-12, rtol=1e-12)
    return DetectableEffect(
        relative_change=float(ratio) - 1.0,
        detectable=True,
        **effect,  # type: ignore[arg-type]
    )


def placebo_detectable_effect(
    placebo_post: npt.ArrayLike,
    placebo_level: npt.ArrayLike,
    placebo_pre_scale: npt.ArrayLike,
    *,
    statistic: Literal["rmspe_ratio", "mean_gap"] = "rmspe_ratio",
    treated_statistic: float | None = None,
    eligible: npt.ArrayLike | None = None,
    alpha: float = 0.05,
    power: float = POWER,
    direction: Direction = "decrease",
) -> DetectableEffect:
    """The smallest relative effect the placebo test detects in ``power`` of the placebos.

    ``placebo_post`` ``(J, T1)``: each placebo's gaps after the start (actual minus its
    counterfactual); ``placebo_level`` ``(J, T1)``: its counterfactual level after the start
    (the effect ``d`` adds ``d * level`` to the gaps); ``placebo_pre_scale`` ``(J,)``: its
    pre-period RMSPE for ``statistic="rmspe_ratio"`` (the synthetic control's, Abadie et al.
    2010), ignored for ``"mean_gap"`` (``|mean post gap / mean level|``). A placebo with a
    ``NaN`` is left out. ``treated_statistic``: the treated commune's own statistic, ranked
    with the others as in the real test (then 19 placebos suffice at 5 %, as for the test).
    ``eligible``: the placebos whose detection counts in the power (those on which a verdict
    would be given, e.g. fitted well before the start); all ranked all the same.

    >>> gaps = np.zeros((19, 2)); gaps[:, 0] = np.linspace(-1, 1, 19)
    >>> d = placebo_detectable_effect(gaps, np.full((19, 2), 10.0), np.ones(19), alpha=0.1)
    >>> d.detectable, d.relative_change
    (True, -0.1)
    """
    gaps = np.asarray(placebo_post, dtype=np.float64)
    level = np.asarray(placebo_level, dtype=np.float64)
    scale = np.asarray(placebo_pre_scale, dtype=np.float64)
    if gaps.ndim != 2 or level.shape != gaps.shape or scale.shape != gaps.shape[:1]:
        raise ValueError(
            "placebo_post et placebo_level : (placebos, années), pre_scale : (placebos,)"
        )
    keep = np.all(np.isfinite(gaps), axis=1) & np.all(np.isfinite(level), axis=1)
    if statistic == "rmspe_ratio":
        keep &= np.isfinite(scale) & (scale > 0)
    chosen = np.ones(keep.shape, dtype=bool) if eligible is None else np.asarray(eligible, bool)
    gaps, level, scale, chosen = gaps[keep], level[keep], scale[keep], chosen[keep]
    n = gaps.shape[0]
    effect = {"direction": direction, "power": power, "alpha": alpha, "method": "placebo"}
    # Each placebo plays the treated commune among the n placebos (and the treated commune's
    # own statistic when given, as in the real test): p >= 1 / n, or 1 / (n + 1).
    extra = treated_statistic is not None and math.isfinite(treated_statistic)
    needed = math.ceil(1 / alpha - 1e-9) - (1 if extra else 0)
    if n < max(needed, 2):
        return DetectableEffect(
            relative_change=math.nan,
            detectable=False,
            reason=(
                f"{n} communes témoins utilisables, il en faut au moins {needed} pour qu'un "
                f"effet puisse atteindre le seuil de {number(100 * alpha, 0)} %"
            ),
            **effect,  # type: ignore[arg-type]
        )

    def stat(g: FloatArray) -> FloatArray:
        if statistic == "rmspe_ratio":
            return np.asarray(np.sqrt(np.mean(g**2, axis=1)) / scale, dtype=np.float64)
        return np.asarray(np.abs(g.mean(axis=1) / level.mean(axis=1)), dtype=np.float64)

    base = stat(gaps)
    sign = -1.0 if direction == "decrease" else 1.0
    for step in range(1, 101 if direction == "decrease" else 1001):
        d = sign * step / 100
        shifted = stat(gaps + d * level)
        # Rank of each shifted placebo among the others (unchanged), ties against it.
        others_at_least = (base[None, :] >= shifted[:, None]).sum(axis=1) - (
            base >= shifted
        ).astype(int)
        if extra and treated_statistic is not None:
            others_at_least = others_at_least + (shifted <= treated_statistic)
        p = (1 + others_at_least) / (n + 1 if extra else n)
        if chosen.any() and np.mean((p <= alpha)[chosen]) >= power:
            return DetectableEffect(relative_change=d, detectable=True, **effect)  # type: ignore[arg-type]
    return DetectableEffect(
        relative_change=math.nan,
        detectable=False,
        reason="même un effet de 100 % ne se distinguerait pas des communes témoins",
        **effect,  # type: ignore[arg-type]
    )


def did_detectable_effect(
    placebo_deltas: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    power: float = POWER,
    direction: Direction = "decrease",
) -> DetectableEffect:
    """The smallest relative effect the difference-in-differences' placebo test detects in
    ``power`` of the placebos: ``placebo_deltas`` the log ratios of the comparison communes
    refitted as if treated (:attr:`crimestats.counterfactual.DidResult.placebo_deltas`); an
    effect ``d`` moves a placebo's ``delta`` by ``log(1 + d)``, its ``|delta|`` is ranked among
    the others' (ties against it).

    >>> d = did_detectable_effect(np.linspace(-0.1, 0.1, 21), alpha=0.1)
    >>> d.detectable, d.relative_change
    (True, -0.15)
    """
    deltas = np.asarray(placebo_deltas, dtype=np.float64)
    deltas = deltas[np.isfinite(deltas)]
    n = deltas.size
    effect = {"direction": direction, "power": power, "alpha": alpha, "method": "placebo"}
    needed = math.ceil(1 / alpha - 1e-9)
    if n < max(needed, 2):
        return DetectableEffect(
            relative_change=math.nan,
            detectable=False,
            reason=(
                f"{n} communes de comparaison utilisables, il en faut au moins {needed} pour "
                f"qu'un effet puisse atteindre le seuil de {number(100 * alpha, 0)} %"
            ),
            **effect,  # type: ignore[arg-type]
        )
    base = np.abs(deltas)
    sign = -1.0 if direction == "decrease" else 1.0
    for step in range(1, 100 if direction == "decrease" else 1001):
        d = sign * step / 100
        shifted = np.abs(deltas + math.log1p(d))
        others_at_least = (base[None, :] >= shifted[:, None]).sum(axis=1) - (
            base >= shifted
        ).astype(int)
        p = (1 + others_at_least) / n
        if np.mean(p <= alpha) >= power:
            return DetectableEffect(relative_change=d, detectable=True, **effect)  # type: ignore[arg-type]
    return DetectableEffect(
        relative_change=math.nan,
        detectable=False,
        reason="même un effet de 99 % ne se distinguerait pas des communes de comparaison",
        **effect,  # type: ignore[arg-type]
    )


def did_detectable_from_se(
    delta_se: float,
    df: int,
    *,
    alpha: float = 0.05,
    power: float = POWER,
    direction: Direction = "decrease",
    gate_alpha: float = 0.0,
    treated_post_count: float | None = None,
    observed_ratio: float = 1.0,
    scale: float = 1.0,
) -> DetectableEffect:
    """The smallest relative effect the difference-in-differences' own test (quasi-Poisson
    t on ``df`` degrees of freedom, standard error ``delta_se`` of the log ratio) detects with
    probability ``power``: ``|log R| = t_{1 - alpha / 2} se_0 + t_{power'} se_R`` (the usual
    sample-size formula, the far tail neglected; normal quantiles when ``df`` is 0), with
    ``power' = power / (1 - gate_alpha)``: a verdict also needs the pre-trend test at
    ``gate_alpha`` to pass, which parallel series do ``1 - gate_alpha`` of the time
    (bench/calibration.py: without it, 72 % detected at a stated 80 %).

    ``se_R`` is the standard error under the effect: with ``treated_post_count`` ``m`` (the
    facts expected in the commune after the start without the action) an effect ``R`` leaves
    ``R m`` facts, and the variance of the log ratio grows by
    ``scale (1 / (R m) - 1 / (R_hat m))`` (``scale`` the quasi-Poisson dispersion used, 1 for
    Poisson), as the change test's power uses the variance under the alternative:
    ``delta_se`` already holds ``scale / (R_hat m)`` for the ``R_hat m`` facts observed, with
    ``R_hat`` the ``observed_ratio`` the fit estimated (1 when ``m`` is the count observed on a
    panel without effect); it stays positive. Without ``m``, ``se_R = se_0``, which overstates the
    power at small counts (bench/calibration.py: 72 % detected at 12 facts a year where
    80 % was stated). A drop so large that the few facts left make the test weaker than it
    gains is never reached: then nothing is detectable.

    >>> round(did_detectable_from_se(0.1, 0).relative_change, 4)
    -0.2443
    >>> round(did_detectable_from_se(0.1, 0, treated_post_count=200).relative_change, 4)
    -0.2494
    """
    method = "quasi-Poisson"
    if not (math.isfinite(delta_se) and delta_se > 0):
        return DetectableEffect(
            direction=direction,
            relative_change=math.nan,
            power=power,
            alpha=alpha,
            method=method,
            detectable=False,
            reason="écart-type de l'effet inconnu",
        )
    needed = power / (1 - gate_alpha)
    if not 0 < needed < 1:
        raise ValueError(f"puissance {power} inatteignable avec un filtre à {gate_alpha}")
    if df > 0:
        q_alpha = float(student.ppf(1 - alpha / 2, df))
        q_power = float(student.ppf(needed, df))
    else:
        q_alpha, q_power = float(norm.ppf(1 - alpha / 2)), float(norm.ppf(needed))
    sign = -1.0 if direction == "decrease" else 1.0
    m = treated_post_count
    if m is None or not (math.isfinite(m) and m > 0):
        change = math.expm1(sign * (q_alpha + q_power) * delta_se)
        return DetectableEffect(
            direction=direction,
            relative_change=change,
            power=power,
            alpha=alpha,
            method=method,
            detectable=True,
        )
    if not (math.isfinite(observed_ratio) and observed_ratio > 0):
        raise ValueError(f"rapport observé {observed_ratio} : il doit être positif")
    m_facts = m
    observed = observed_ratio * m
    floor = (delta_se * 1e-6) ** 2

    def margin(log_r: float) -> float:
        """|log R| minus what the test needs at R: positive once R is detectable."""
        extra = scale * (math.exp(-log_r) / m_facts - 1.0 / observed)
        variance = max(delta_se**2 + extra, floor)
        return abs(log_r) - q_alpha * delta_se - q_power * math.sqrt(variance)

    # |log R| grows as R moves away from 1, but for a drop the facts left shrink and the
    # standard error grows like 1 / sqrt(R): scan outwards for the first crossing.
    limit = math.log(MAX_INCREASE)
    grid = sign * np.linspace(0.0, limit if sign > 0 else 12.0, 4001)
    values = np.array([margin(float(x)) for x in grid])
    crossing = np.nonzero(values > 0)[0]
    if crossing.size == 0:
        return DetectableEffect(
            direction=direction,
            relative_change=math.nan,
            power=power,
            alpha=alpha,
            method=method,
            detectable=False,
            reason=(
                f"trop peu de faits dans la commune depuis le début "
                f"({number(m_facts, 0)} attendus sans l'action)"
            ),
        )
    i = int(crossing[0])
    root = brentq(margin, float(grid[i - 1]), float(grid[i]), xtol=1e-12, rtol=1e-12)
    return DetectableEffect(
        direction=direction,
        relative_change=math.expm1(root),
        power=power,
        alpha=alpha,
        method=method,
        detectable=True,
    )


def describe_detectable(effect: DetectableEffect) -> str:
    """The detectable effect in one French sentence, as a threshold ("au moins")."""
    word = "baisse" if effect.direction == "decrease" else "hausse"
    if not effect.detectable:
        limit = ", même jusqu'à zéro fait" if effect.direction == "decrease" else ""
        return f"cette évaluation ne pouvait détecter aucune {word}{limit} : {effect.reason}"
    percent = number(100 * abs(effect.relative_change), 0)
    return f"cette évaluation ne pouvait détecter qu'une {word} d'au moins {percent} %"
