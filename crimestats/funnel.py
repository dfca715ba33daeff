"""Funnel plot of one indicator-year across communes: which rates stand out from chance?

A small commune's rate swings widely by chance; a funnel plot draws, around a target rate, the
limits within which a commune's rate would fall by chance alone, narrower as the population grows
(Spiegelhalter, "Funnel plots for comparing institutional performance", Statistics in Medicine
24, 2005, 1185-1202).

- Target: a reference rate given by the caller (France's, computed from the département files,
  which have no secrecy), or by default the pooled rate of the published communes, sum of
  counts / sum of denominators. Suppressed communes (``NaN``, statistical secrecy) are left out
  of the pooled target and counted in ``n_suppressed``: they are not zero; but as they are
  mostly small communes with few facts, the pooled rate leans high, hence the reference rate
  when there is one.
- Limits: a commune whose expected count is ``lam = target * denominator`` has a Poisson count.
  For a probability ``p`` (0.025 and 0.975 at 95 %, 0.001 and 0.999 at 99.8 %) the limit is the
  Poisson quantile ``r`` (smallest count with ``F(r) >= p``), smoothed by the interpolation
  Spiegelhalter gives for exact limits (2005, appendix A.1.1), the one public funnel-plot tools
  (Public Health England's) refer to: ``limit = r - (F(r) - p) / (F(r) - F(r - 1))``, floored
  at 0. Without it
  the limits would jump in steps of one fact. Limits are given as rates per 1,000.
- Flag of each commune: ``above_99.8`` (count above the upper 99.8 % limit), ``above_95``,
  ``within``, ``below_95``, ``below_99.8``, or ``suppressed`` / ``no_denominator``. The names
  follow ``levels``: with ``levels=(0.9,)`` the flags are ``above_90``, ``within``, ``below_90``.

- Overdispersion (``overdispersion="multiplicative"`` or ``"additive"``; ``"none"``, the
  default, keeps the pure Poisson limits). Recorded crime varies between communes far more than
  Poisson chance alone (tourism, commuting, a station...): with pure Poisson limits much more
  than 5 % of communes fall outside the 95 % limits. Spiegelhalter (2005, section 3.4): each
  commune's z-score ``z = (count - expected) / sqrt(expected)`` is *winsorised* (the
  ``floor(I * q)`` lowest set to the next lowest, the same for the highest, ``q = 0.1`` by
  default, so that the outliers being looked for do not inflate the estimate), and the
  overdispersion factor is ``phi = sum(z_w ** 2) / I`` over the ``I`` communes with a positive
  expected count (``I * phi`` is chi-square with ``I`` degrees of freedom when there is none:
  ``phi_p_value``). *Multiplicative*: when ``phi > 1`` every limit is moved away from the
  expected count by ``sqrt(phi)``: ``expected + sqrt(phi) * (poisson limit - expected)``,
  floored at 0. *Additive* (random effects, DerSimonian and Laird's moment estimator on the
  winsorised z-scores): ``tau2 = (I * phi - (I - 1)) / (sum w - sum w ** 2 / sum w)`` with
  ``w = denominator / target`` (the inverse of a rate's Poisson variance), 0 when negative, and
  normal limits ``target +- z_p * sqrt(target / denominator + tau2)`` on the rate, floored at
  0. Fewer than ``min_units`` (20) communes: no estimate, pure Poisson limits, said by
  ``overdispersion_applied = "none"`` and ``overdispersion_reason``.

Being outside the limits says "more (or fewer) facts than chance explains at this size", not
"more dangerous": commuter and tourist communes, or a police station on the territory, inflate
the per-resident rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri, pdtr
from scipy.stats import chi2

from crimestats.rates import PER

__all__ = [
    "FunnelCurve",
    "FunnelResult",
    "Overdispersion",
    "estimate_overdispersion",
    "funnel",
    "funnel_curve",
    "winsorise",
]

FloatArray = npt.NDArray[np.float64]

OverdispersionMethod = Literal["none", "multiplicative", "additive"]

MIN_UNITS = 20
"""Fewest communes from which an overdispersion factor is estimated (winsorising 10 % of 20
leaves 16 values unchanged)."""


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's (2005) overdispersion estimates from winsorised z-scores.

    ``phi`` the multiplicative factor (1 means none), ``phi_p_value`` the chi-square test of
    "no overdispersion", ``tau2`` the additive between-commune variance of the rate (per unit,
    squared; per 1,000 it is ``tau2 * 1e6``), ``n_units`` the communes used, ``winsor`` the
    fraction winsorised at each end. ``reason`` (French) says why there is no estimate (``phi``
    is then ``NaN``).
    """

    phi: float
    phi_p_value: float
    tau2: float
    n_units: int
    winsor: float
    reason: str = ""


def winsorise(values: npt.ArrayLike, fraction: float) -> FloatArray:
    """The ``floor(n * fraction)`` lowest values set to the next lowest, likewise the highest.

    >>> winsorise([5.0, -9.0, 1.0, 2.0, 3.0, 4.0, 0.0, 6.0, 7.0, 30.0], 0.1).tolist()
    [5.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 6.0, 7.0, 7.0]
    """
    x = np.asarray(values, dtype=np.float64)
    if not 0 <= fraction < 0.5:
        raise ValueError(f"fraction winsorisée attendue dans [0, 0,5[, reçu {fraction}")
    k = math.floor(x.size * fraction)
    if k == 0:
        return x.copy()
    ordered = np.sort(x)
    return np.asarray(np.clip(x, ordered[k], ordered[x.size - 1 - k]), dtype=np.float64)


def estimate_overdispersion(
    counts: npt.ArrayLike,
    expected: npt.ArrayLike,
    denominators: npt.ArrayLike,
    *,
    winsor: float = 0.1,
    min_units: int = MIN_UNITS,
) -> Overdispersion:
    """Estimate ``phi`` and ``tau2`` from the communes with a count and a positive expectation.

    >>> o = estimate_overdispersion([4, 16] * 10, [10.0] * 20, [1000.0] * 20)
    >>> round(o.phi, 6), round(o.tau2 * 1e6, 6)
    (3.6, 27.894737)
    """
    k = np.asarray(counts, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    d = np.asarray(denominators, dtype=np.float64)
    used = np.isfinite(k) & np.isfinite(e) & (e > 0) & np.isfinite(d) & (d > 0)
    n = int(used.sum())
    if n < min_units:
        return Overdispersion(
            phi=math.nan,
            phi_p_value=math.nan,
            tau2=math.nan,
            n_units=n,
            winsor=winsor,
            reason=(
                f"surdispersion non estimée : {n} communes avec des faits attendus, "
                f"il en faut au moins {min_units}"
            ),
        )
    z = (k[used] - e[used]) / np.sqrt(e[used])
    phi = float(np.mean(winsorise(z, winsor) ** 2))
    target = e[used] / d[used]  # the target rate, the same for every commune
    w = d[used] / target  # 1 / (Poisson variance of a commune's rate)
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (n * phi - (n - 1)) / denominator) if denominator > 0 else 0.0
    return Overdispersion(
        phi=phi,
        phi_p_value=float(chi2.sf(n * phi, n)),
        tau2=tau2,
        n_units=n,
        winsor=winsor,
    )


@dataclass(frozen=True)
class FunnelResult:
    """Funnel of one indicator-year.

    ``target_rate`` per 1,000 (given, or pooled over published communes); ``n_published``,
    ``n_suppressed``; per commune (input order): ``rate``, ``expected`` count at the target
    rate, ``lower`` and ``upper`` (shape: levels x communes, rates per 1,000, ``NaN`` without a
    denominator) and ``flag``. ``levels`` as given, sorted from the inner to the outer.
    """

    target_rate: float
    n_published: int
    n_suppressed: int
    levels: tuple[float, ...]
    rate: FloatArray
    expected: FloatArray
    lower: FloatArray
    upper: FloatArray
    flag: npt.NDArray[np.str_]
    overdispersion: Overdispersion | None = None
    overdispersion_applied: OverdispersionMethod = "none"


@dataclass(frozen=True)
class FunnelCurve:
    """Curves to draw: ``denominators`` (log-spaced), ``lower`` and ``upper`` (levels x points,
    rates per 1,000) around ``target_rate``; ``phi`` and ``tau2`` the inflation applied."""

    target_rate: float
    levels: tuple[float, ...]
    denominators: FloatArray
    lower: FloatArray
    upper: FloatArray
    phi: float = 1.0
    tau2: float = 0.0


def _levels(levels: tuple[float, ...]) -> tuple[float, ...]:
    ordered = tuple(sorted(levels))
    if not ordered or any(not 0 < level < 1 for level in ordered):
        raise ValueError(f"niveaux attendus dans ]0, 1[, reçu {levels}")
    return ordered


def _label(level: float) -> str:
    return f"{100 * level:g}"


def _poisson_quantile(p: float, lam: FloatArray) -> FloatArray:
    """Smallest count ``r`` with ``F(r) >= p`` (``scipy.stats.poisson.ppf``, faster).

    Why? ``poisson.ppf`` inverts the distribution by root finding, 50 ms for 35,000 communes.
    Here a Cornish-Fisher guess is corrected by stepping one count at a time, all communes at
    once, until ``F(r - 1) < p <= F(r)``: the same integers, usually after one or two steps.
    """
    z = float(ndtri(p))
    safe = np.nan_to_num(lam, nan=0.0)
    r = np.fmax(np.floor(safe + z * np.sqrt(safe) + (z * z - 1) / 6), 0.0)
    for _ in range(10_000):
        too_low = pdtr(r, safe) < p
        too_high = (r >= 1) & (pdtr(np.fmax(r - 1, 0.0), safe) >= p)
        if not (too_low.any() or too_high.any()):
            break
        r = r + too_low - too_high
    return np.asarray(r + 0.0 * lam, dtype=np.float64)


def poisson_limit(p: float, expected: npt.ArrayLike) -> FloatArray:
    """Interpolated Poisson quantile of probability ``p`` for each expected count (a count).

    >>> [round(float(x), 3) for x in poisson_limit(0.975, [10.0, 0.0])]
    [16.16, 0.0]
    >>> [round(float(x), 3) for x in poisson_limit(0.025, [10.0])]
    [3.775]
    """
    lam = np.asarray(expected, dtype=np.float64)
    r = _poisson_quantile(p, lam)
    f_r = pdtr(r, lam)
    f_before = np.where(r >= 1, pdtr(np.fmax(r - 1, 0.0), lam), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        limit = r - (f_r - p) / (f_r - f_before)
    # fmax turns NaN into 0; adding 0 * lam brings back NaN for an unknown expected count.
    return np.asarray(np.fmax(limit, 0.0) + 0.0 * lam, dtype=np.float64)


def _limits(
    target: float,
    denominators: FloatArray,
    levels: tuple[float, ...],
    phi: float = 1.0,
    tau2: float = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Limits (rates per 1,000): exact Poisson, inflated by ``sqrt(phi)`` when ``phi > 1``, or
    normal with the added variance ``tau2`` when ``tau2 > 0``."""
    expected = target * denominators
    lower = np.empty((len(levels), denominators.size))
    upper = np.empty((len(levels), denominators.size))
    inflate = math.sqrt(phi) if phi > 1 else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        for row, level in enumerate(levels):
            tail = (1 - level) / 2
            if tau2 > 0:
                z = float(ndtri(1 - tail))
                spread = z * np.sqrt(target / denominators + tau2)
                lower[row] = np.fmax(target - spread, 0.0) * PER + 0.0 * denominators
                upper[row] = (target + spread) * PER
                continue
            low = poisson_limit(tail, expected)
            high = poisson_limit(1 - tail, expected)
            if inflate > 1:
                low = np.fmax(expected + inflate * (low - expected), 0.0) + 0.0 * expected
                high = expected + inflate * (high - expected)
            lower[row] = low / denominators * PER
            upper[row] = high / denominators * PER
    return expected, lower, upper


def funnel(
    counts: npt.ArrayLike,
    denominators: npt.ArrayLike,
    levels: tuple[float, ...] = (0.95, 0.998),
    target_rate: float | None = None,
    *,
    overdispersion: OverdispersionMethod = "none",
    winsor: float = 0.1,
    min_units: int = MIN_UNITS,
) -> FunnelResult:
    """Target rate, exact Poisson control limits and a flag for every commune.

    ``counts`` (``NaN`` = suppressed) and ``denominators`` (inhabitants, or dwellings for
    burglary) of one indicator-year, one element per commune. ``target_rate`` (per 1,000):
    a reference rate known without secrecy, such as France's from the département files;
    by default the rate pooled over the published communes, which leans high when small
    communes with few facts are suppressed. ``overdispersion``: "none" (pure Poisson limits),
    "multiplicative" or "additive" (module docstring), estimated with ``winsor`` from at least
    ``min_units`` communes.

    >>> f = funnel([30, 5, float("nan"), 2], [1000, 1000, 500, 1000])
    >>> f.target_rate, f.n_published, f.n_suppressed
    (12.333333333333334, 3, 1)
    >>> f.flag.tolist()
    ['above_99.8', 'below_95', 'suppressed', 'below_99.8']
    """
    ordered = _levels(levels)
    k = np.asarray(counts, dtype=np.float64)
    d = np.asarray(denominators, dtype=np.float64)
    if k.shape != d.shape or k.ndim != 1:
        raise ValueError("counts et denominators : deux tableaux à 1 dimension de même taille")
    known_k = k[~np.isnan(k)]
    if np.any(known_k < 0) or np.any(known_k != np.floor(known_k)):
        raise ValueError("les nombres doivent être des entiers positifs ou nuls (NaN si secret)")
    has_d = np.isfinite(d) & (d > 0)
    d = np.where(has_d, d, np.nan)
    suppressed = np.isnan(k)
    published = ~suppressed & has_d
    total_d = float(d[published].sum())
    if target_rate is not None:
        if not (math.isfinite(target_rate) and target_rate >= 0):
            raise ValueError("le taux cible doit être un nombre positif ou nul")
        target = target_rate / PER
    else:
        target = float(k[published].sum()) / total_d if total_d > 0 else float("nan")
    if overdispersion not in ("none", "multiplicative", "additive"):
        raise ValueError(
            f"surdispersion attendue : none, multiplicative ou additive ; reçu {overdispersion}"
        )
    estimate = None
    applied: OverdispersionMethod = "none"
    phi, tau2 = 1.0, 0.0
    if overdispersion != "none":
        estimate = estimate_overdispersion(k, target * d, d, winsor=winsor, min_units=min_units)
        if overdispersion == "multiplicative" and estimate.phi > 1:
            applied, phi = "multiplicative", estimate.phi
        elif overdispersion == "additive" and estimate.tau2 > 0:
            applied, tau2 = "additive", estimate.tau2
    expected, lower, upper = _limits(target, d, ordered, phi, tau2)
    with np.errstate(invalid="ignore"):
        rate = k / d * PER
        count_low = lower * d / PER
        count_high = upper * d / PER
    flag = np.full(k.shape, "within", dtype="<U16")
    for row, level in enumerate(ordered):  # inner first, so the outermost exceeded wins
        flag[k > count_high[row]] = f"above_{_label(level)}"
        flag[k < count_low[row]] = f"below_{_label(level)}"
    flag[~has_d] = "no_denominator"
    flag[suppressed] = "suppressed"
    return FunnelResult(
        target_rate=target * PER,
        n_published=int(published.sum()),
        n_suppressed=int(suppressed.sum()),
        levels=ordered,
        rate=rate,
        expected=expected,
        lower=lower,
        upper=upper,
        flag=flag,
        overdispersion=estimate,
        overdispersion_applied=applied,
    )


def funnel_curve(
    target_rate: float,
    d_min: float,
    d_max: float,
    n: int = 200,
    levels: tuple[float, ...] = (0.95, 0.998),
    *,
    phi: float = 1.0,
    tau2: float = 0.0,
) -> FunnelCurve:
    """The funnel's limits on ``n`` log-spaced denominators from ``d_min`` to ``d_max``;
    ``phi`` (multiplicative, applied when above 1) or ``tau2`` (additive) as :func:`funnel`
    applied them (``FunnelResult.overdispersion``).

    >>> c = funnel_curve(10.0, 100, 100_000, n=4)
    >>> c.denominators.tolist()
    [100.0, 1000.0, 10000.0, 100000.0]
    >>> [round(float(x), 2) for x in c.upper[0]]
    [29.02, 16.16, 11.96, 10.62]
    """
    ordered = _levels(levels)
    if not 0 < d_min < d_max or n < 2:
        raise ValueError("attendu 0 < d_min < d_max et n >= 2")
    denominators = np.geomspace(d_min, d_max, n)
    _, lower, upper = _limits(target_rate / PER, denominators, ordered, phi, tau2)
    return FunnelCurve(
        target_rate=target_rate,
        levels=ordered,
        denominators=denominators,
        lower=lower,
        upper=upper,
        phi=phi,
        tau2=tau2,
    )
