"""Change between two periods: ratio of two Poisson rates with an exact test and interval.

A count ``k`` recorded over an exposure ``e`` (inhabitants x years, dwellings x years, or simply
the population when both periods last one year) is Poisson with mean ``rate * e``. Given the
total ``n = k_before + k_after``, ``k_after`` is binomial with ``n`` trials and proportion
``p = R e_after / (e_before + R e_after)``, where ``R`` is the ratio of the rate after to the rate
before (Armitage, Berry and Matthews, "Statistical Methods in Medical Research", 4th ed., 5.3).
So, exactly and without any large-sample approximation:

- the interval of ``R`` is the Clopper-Pearson interval of ``p`` turned into a ratio,
  ``R = p / (1 - p) * e_before / e_after``;
- the p-value of "no change" (``R = 1``) is the exact two-sided binomial test of
  ``p0 = e_after / (e_before + e_after)``, computed as :func:`scipy.stats.binomtest` does (the
  outcomes no more likely than the observed one, with its relative tolerance of 1e-7).

``NaN`` (a suppressed value, or an unknown exposure) gives ``NaN`` everywhere for that element:
statistical secrecy hides the count, it does not make it zero. With no fact in either period
(``n = 0``) there is nothing to test: ratio, interval and p-value are ``NaN``. With no fact before
and some after, the ratio is infinite, its upper limit too, and the test still applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import beta, binom, norm
from scipy.stats import t as student

from crimestats.french import number, percent_change
from crimestats.rates import PER

__all__ = ["ChangeResult", "describe_change", "poisson_change"]

FloatArray = npt.NDArray[np.float64]

_RERR = 1 + 1e-7
"""Relative tolerance of scipy's two-sided binomial test on "as likely as the observed"."""


@dataclass(frozen=True)
class ChangeResult:
    """Change from a period "before" to a period "after", one element per input element.

    Rates are per 1,000 of the exposure. ``ratio`` is rate after / rate before, ``ratio_low`` and
    ``ratio_high`` its exact interval at level ``1 - alpha``, ``p_value`` the exact two-sided
    p-value of "the rate did not change".
    """

    count_before: FloatArray
    count_after: FloatArray
    rate_before: FloatArray
    rate_after: FloatArray
    ratio: FloatArray
    ratio_low: FloatArray
    ratio_high: FloatArray
    p_value: FloatArray
    alpha: float
    dispersion: FloatArray | None = None
    """The extra-variation factor used (1: the exact Poisson test), when one was given."""


def _counts(values: npt.ArrayLike, shape: tuple[int, ...] | None = None) -> FloatArray:
    k = np.asarray(values, dtype=np.float64)
    known = k[~np.isnan(k)]
    if np.any(known < 0) or np.any(known != np.floor(known)):
        raise ValueError("les nombres doivent être des entiers positifs ou nuls (NaN si secret)")
    return k


def _binom_two_sided(k: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """Two-sided exact binomial p-value, element by element, as :func:`scipy.stats.binomtest`.

    All inputs are finite, ``n >= 1``, ``0 < p < 1``. scipy finds, on the other side of the mode,
    the last outcome whose probability is at most ``pmf(k) * (1 + 1e-7)`` by a binary search;
    the same search runs here on all elements at once, each with its own bounds.
    """
    d = binom.pmf(k, n, p)
    pn = p * n
    low_side = k < pn
    high_side = k > pn
    # Low side: search x in [ceil(pn), n] for a(x) = -pmf(x), increasing; target -d * rerr.
    # High side: search x in [0, floor(pn)] for a(x) = pmf(x), increasing; target d * rerr.
    sign = np.where(low_side, -1.0, 1.0)
    target = sign * d * _RERR
    lo = np.where(low_side, np.ceil(pn), 0.0)
    hi = np.where(low_side, n, np.floor(pn))
    found = np.full(k.shape, np.nan)
    active = (low_side | high_side) & (lo < hi)
    while np.any(active):
        idx = np.flatnonzero(active)
        mid = lo[idx] + np.floor((hi[idx] - lo[idx]) / 2)
        midval = sign[idx] * binom.pmf(mid, n[idx], p[idx])
        below = midval < target[idx]
        above = midval > target[idx]
        equal = ~below & ~above
        lo[idx[below]] = mid[below] + 1
        hi[idx[above]] = mid[above] - 1
        found[idx[equal]] = mid[equal]
        active[idx[equal]] = False
        active &= lo < hi
    at_lo = sign * binom.pmf(lo, n, p) <= target
    ix = np.where(np.isnan(found), np.where(at_lo, lo, lo - 1), found)
    with np.errstate(invalid="ignore"):
        y_low = n - ix + (d * _RERR == binom.pmf(ix, n, p))
        p_low = binom.cdf(k, n, p) + binom.sf(n - y_low, n, p)
        y_high = ix + 1
        p_high = binom.cdf(y_high - 1, n, p) + binom.sf(k - 1, n, p)
    pval = np.where(low_side, p_low, np.where(high_side, p_high, 1.0))
    return np.asarray(np.minimum(1.0, pval), dtype=np.float64)


def poisson_change(
    count_before: npt.ArrayLike,
    exposure_before: npt.ArrayLike,
    count_after: npt.ArrayLike,
    exposure_after: npt.ArrayLike,
    alpha: float = 0.05,
    *,
    dispersion: npt.ArrayLike | None = None,
    dispersion_df: int | None = None,
) -> ChangeResult:
    """Rates before and after, their ratio with its exact interval, and the exact p-value.

    Inputs broadcast together; counts are non-negative integers or ``NaN`` (suppressed),
    exposures positive (``NaN`` or <= 0 gives ``NaN``).

    >>> r = poisson_change([20], [1000], [30], [1000])
    >>> float(r.rate_before[0]), float(r.rate_after[0]), float(r.ratio[0])
    (20.0, 30.0, 1.5)
    >>> round(float(r.ratio_low[0]), 3), round(float(r.ratio_high[0]), 3)
    (0.824, 2.787)
    >>> round(float(r.p_value[0]), 4)
    0.2026
    >>> float(poisson_change([float("nan")], [1000], [30], [1000]).p_value[0])
    nan
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha doit être dans ]0, 1[, reçu {alpha}")
    k0, e0, k1, e1 = np.broadcast_arrays(
        _counts(count_before),
        np.asarray(exposure_before, dtype=np.float64),
        _counts(count_after),
        np.asarray(exposure_after, dtype=np.float64),
    )
    e0 = np.where(e0 > 0, e0, np.nan)
    e1 = np.where(e1 > 0, e1, np.nan)
    n = k0 + k1
    testable = np.isfinite(n) & np.isfinite(e0) & np.isfinite(e1) & (n > 0)

    with np.errstate(invalid="ignore", divide="ignore"):
        rate_before = k0 / e0 * PER
        rate_after = k1 / e1 * PER
        ratio = np.where(testable, rate_after / rate_before, np.nan)
        scale = e0 / e1
        p_low = np.where(k1 > 0, beta.ppf(alpha / 2, k1, k0 + 1), 0.0)
        p_high = np.where(k0 > 0, beta.isf(alpha / 2, k1 + 1, k0), 1.0)
        low = p_low / (1 - p_low) * scale
        high = np.where(p_high < 1, p_high / (1 - p_high), np.inf) * scale

    p_value = np.full(n.shape, np.nan)
    if np.any(testable):
        p0 = e1[testable] / (e0[testable] + e1[testable])
        p_value[testable] = _binom_two_sided(k1[testable], n[testable], p0)
    phi = None
    if dispersion is not None:
        # Quasi-Poisson: the series varies more than Poisson from year to year (``dispersion``
        # estimated on its history, e.g. crimestats.trend.quasi_poisson_trend, on
        # ``dispersion_df`` degrees of freedom). The log ratio then has the variance
        # dispersion * (1 / k0 + 1 / k1): Wald test and interval with Student's t (normal
        # without df). Only where both counts are positive and the factor above 1; elsewhere
        # the exact test stands.
        phi = np.broadcast_to(np.asarray(dispersion, dtype=np.float64), n.shape).copy()
        inflated = testable & (phi > 1) & (k0 > 0) & (k1 > 0)
        if np.any(inflated):
            with np.errstate(invalid="ignore", divide="ignore"):
                log_ratio = np.log(ratio[inflated])
                se = np.sqrt(phi[inflated] * (1 / k0[inflated] + 1 / k1[inflated]))
            if dispersion_df is not None and dispersion_df > 0:
                quantile = float(student.ppf(1 - alpha / 2, dispersion_df))
                p_value[inflated] = 2 * student.sf(np.abs(log_ratio) / se, dispersion_df)
            else:
                quantile = float(norm.ppf(1 - alpha / 2))
                p_value[inflated] = 2 * norm.sf(np.abs(log_ratio) / se)
            low = np.asarray(low, dtype=np.float64).copy()
            high = np.asarray(high, dtype=np.float64).copy()
            low[inflated] = np.exp(log_ratio - quantile * se)
            high[inflated] = np.exp(log_ratio + quantile * se)
        phi = np.where(inflated, phi, 1.0)
    return ChangeResult(
        count_before=k0.astype(np.float64),
        count_after=k1.astype(np.float64),
        rate_before=rate_before,
        rate_after=rate_after,
        ratio=ratio,
        ratio_low=np.where(testable, low, np.nan),
        ratio_high=np.where(testable, high, np.nan),
        p_value=p_value,
        alpha=alpha,
        dispersion=phi,
    )


def _level(alpha: float) -> str:
    """The confidence level of a test at ``alpha``: "95" for 0.05, "97,5" for 0.025."""
    return number(100 * (1 - alpha), 0 if (100 * alpha).is_integer() else 1)


def _p_text(p: float) -> str:
    if p < 0.001:
        return "p < 0,001"
    return f"p = {number(p, 2 if p >= 0.01 else 3)}"


def describe_change(result: ChangeResult, i: int) -> str:
    """One French sentence for element ``i`` of a :class:`ChangeResult`, for a coordinator.

    Percentages are rounded to the unit, decimals use a comma; "significative" means the
    p-value is below ``result.alpha``.

    >>> before = [100, 50, 0, float("nan"), 0, 100]
    >>> r = poisson_change(before, [1] * 6, [123, 45, 8, 3, 0, 140], [1] * 6)
    >>> describe_change(r, 0)
    'hausse de 23 % (IC 95 % : -6 % à +62 %), évolution non significative (p = 0,14)'
    >>> describe_change(r, 1)
    'baisse de 10 % (IC 95 % : -41 % à +37 %), évolution non significative (p = 0,68)'
    >>> describe_change(r, 2)
    'aucun fait avant, 8 après : hausse non chiffrable en pourcentage, significative (p = 0,008)'
    >>> describe_change(r, 3)
    'évolution non calculable : valeur soumise au secret statistique ou population inconnue'
    >>> describe_change(r, 4)
    'aucun fait enregistré sur les deux périodes'
    >>> describe_change(r, 5)
    'hausse de 40 % (IC 95 % : +8 % à +83 %), significative (p = 0,01)'
    """
    level = _level(result.alpha)
    k0 = float(result.count_before[i])
    k1 = float(result.count_after[i])
    p = float(result.p_value[i])
    if math.isnan(p):
        if k0 == 0 and k1 == 0:
            return "aucun fait enregistré sur les deux périodes"
        return (
            "évolution non calculable : valeur soumise au secret statistique ou population inconnue"
        )
    verdict = "significative" if p < result.alpha else "évolution non significative"
    ratio = float(result.ratio[i])
    if math.isinf(ratio):
        return (
            f"aucun fait avant, {k1:.0f} après : hausse non chiffrable en pourcentage, "
            f"{verdict} ({_p_text(p)})"
        )
    if round((ratio - 1) * 100) == 0:
        head = "stabilité"
    else:
        head = f"{'hausse' if ratio > 1 else 'baisse'} de {percent_change(ratio - 1, sign=False)}"
    low = percent_change(float(result.ratio_low[i]) - 1)
    high = percent_change(float(result.ratio_high[i]) - 1)
    return f"{head} (IC {level} % : {low} à {high}), {verdict} ({_p_text(p)})"
