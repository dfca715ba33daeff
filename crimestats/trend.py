"""Trends over the years for many series at once: quasi-Poisson regression and Mann-Kendall.

Both functions take a 2-D array, one row per series (a commune x indicator), one column per
year, and treat ``NaN`` as a suppressed value (statistical secrecy): the cell is left out of its
series, never read as 0.

**Quasi-Poisson trend** (:func:`quasi_poisson_trend`). For each series,
``log(mean count) = log(exposure) + a + b * (year - mean of the years)``, fitted by maximum
likelihood (Newton-Raphson, which for this model is iteratively reweighted least squares, all
series at once, each with its own weights). The
annual ratio ``exp(b)`` is the average yearly multiplication of the rate (1.05 = +5 % a year).
Counts of recorded crime vary more than a Poisson variable (one burglar, one wave of complaints),
so the standard error is inflated by the dispersion ``phi`` = Pearson chi-square / (n - 2), and
the test and interval use Student's t with n - 2 degrees of freedom, as a quasi-Poisson GLM does
(``statsmodels`` ``GLM(..., family=Poisson(), offset=log(exposure)).fit(scale="X2",
use_t=True)``). By default ``phi`` is floored at 1: a quasi-Poisson model never claims less
variance than a Poisson one. Why? With 3 to 10 yearly points the Pearson estimate is very noisy,
and a chance value below 1 would give intervals narrower than the exact Poisson ones; recorded
counts are not under-dispersed in practice. ``dispersion`` reports the raw estimate,
``scale`` the one used.

Edge cases, each given ``NaN`` and a ``reason``:

- ``"too_few_points"``: fewer than 3 usable years (a line through 2 points has no dispersion);
- ``"all_zero"``: no fact in any usable year, so there is no rate to follow (the maximum
  likelihood rate is 0 and its logarithm does not exist);
- ``"no_finite_estimate"``: every fact falls in the first or the last usable year (for instance
  0, 0, 0, 4): the likelihood keeps growing as the slope goes to infinity, so there is no
  estimate to give; other series with zero years are fitted normally;
- ``"not_converged"``: the iterations did not settle (not seen on real data; kept as a guard).

``reason`` is ``"ok"`` otherwise.

**Mann-Kendall** (:func:`mann_kendall`): a test of a monotonic trend that makes no assumption on
the distribution (Mann 1945, Kendall 1975, Gilbert 1987), with the variance corrected for ties
and Sen's slope (the median of the slopes between all pairs of years, Sen 1968), computed as
``pymannkendall.original_test`` does: S and its variance on the published values in their order,
the slope on the true positions of the years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.stats import norm
from scipy.stats import t as student

from crimestats.change import _level, _p_text
from crimestats.french import percent_change

__all__ = ["MKResult", "TrendResult", "describe_trend", "mann_kendall", "quasi_poisson_trend"]

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

MAX_ITERATIONS: Final = 50
TOLERANCE: Final = 1e-10
"""A series has settled when neither of its coefficients moved by more than this."""


@dataclass(frozen=True)
class TrendResult:
    """Quasi-Poisson trend of each series (one element per row of the input).

    ``annual_ratio`` = exp(slope), with ``ratio_low`` and ``ratio_high`` its interval at level
    ``1 - alpha``; ``slope`` and ``slope_se`` on the log scale; ``intercept`` = log rate per unit of
    exposure at the mean of ``years`` (the middle of the period, for every series);
    ``p_value`` of "no trend" (t, n - 2 df);
    ``dispersion`` the Pearson estimate, ``scale`` the one used (floored at 1 unless asked
    otherwise); ``n_points`` the usable years; ``reason`` "ok" or why the fit is ``NaN``.
    """

    annual_ratio: FloatArray
    ratio_low: FloatArray
    ratio_high: FloatArray
    p_value: FloatArray
    slope: FloatArray
    slope_se: FloatArray
    intercept: FloatArray
    dispersion: FloatArray
    scale: FloatArray
    n_points: npt.NDArray[np.int64]
    reason: StrArray
    alpha: float


@dataclass(frozen=True)
class MKResult:
    """Mann-Kendall test of each series: ``s``, ``var_s`` (ties corrected), ``z`` (with the
    continuity correction), two-sided ``p_value``, Kendall's ``tau``, Sen's ``slope`` (per
    column step, usually per year) and ``n_points`` (published values). ``NaN`` with fewer than
    3 published values."""

    s: FloatArray
    var_s: FloatArray
    z: FloatArray
    p_value: FloatArray
    tau: FloatArray
    slope: FloatArray
    n_points: npt.NDArray[np.int64]


def _as_2d(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"{name} : tableau à 2 dimensions attendu (séries x années)")
    return array


def quasi_poisson_trend(
    counts: npt.ArrayLike,
    exposures: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    floor_dispersion: bool = True,
) -> TrendResult:
    """Yearly trend of each series of counts by quasi-Poisson regression, all series at once.

    ``counts`` (series x years, ``NaN`` = suppressed), ``exposures`` of the same shape or
    broadcastable to it (population, or dwellings for burglary; ``NaN`` or <= 0 leaves the cell
    out), ``years`` one per column.

    >>> r = quasi_poisson_trend([[10, 12, 15, 17, 21], [5, float("nan"), 5, 4, 6]],
    ...                         [[1000] * 5] * 2, [2019, 2020, 2021, 2022, 2023])
    >>> [round(float(x), 4) for x in r.annual_ratio], r.n_points.tolist()
    ([1.2003, 1.0233], [5, 4])
    >>> [round(float(x), 4) for x in r.p_value], r.reason.tolist()
    ([0.1164, 0.8937], ['ok', 'ok'])
    >>> nan = float("nan")
    >>> series = [[0, 0, 0, 0], [0, 0, 0, 4], [0, 3, 0, 0], [1, 2, nan, nan]]
    >>> quasi_poisson_trend(series, 100, [1, 2, 3, 4]).reason.tolist()
    ['all_zero', 'no_finite_estimate', 'ok', 'too_few_points']
    >>> quasi_poisson_trend(np.empty((1, 0)), 100, []).reason.tolist()
    ['too_few_points']
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha doit être dans ]0, 1[, reçu {alpha}")
    y = _as_2d(counts, "counts")
    known_y = y[~np.isnan(y)]
    if np.any(known_y < 0) or np.any(known_y != np.floor(known_y)):
        raise ValueError("les nombres doivent être des entiers positifs ou nuls (NaN si secret)")
    exposure = np.broadcast_to(np.asarray(exposures, dtype=np.float64), y.shape)
    x_years = np.asarray(years, dtype=np.float64)
    if x_years.shape != (y.shape[1],):
        raise ValueError("years : une année par colonne attendue")

    # Arithmetic masks rather than np.where: on half-suppressed data a branch per cell is slow.
    usable = ~np.isnan(y) & (exposure > 0) & np.isfinite(exposure)
    w = usable.astype(np.float64)
    n = w.sum(axis=1)
    y0 = np.fmax(y, 0.0) * w  # fmax(NaN, 0) = 0
    weighted_exposure = np.fmin(np.fmax(exposure, 0.0), np.finfo(np.float64).max) * w
    x = x_years - (x_years.mean() if x_years.size else 0.0)
    total = y0.sum(axis=1)
    rows = np.arange(y.shape[0])
    if y.shape[1]:
        first = np.argmax(usable, axis=1)
        last = y.shape[1] - 1 - np.argmax(usable[:, ::-1], axis=1)
        at_first = y0[rows, first] == total
        at_last = y0[rows, last] == total
    else:  # no year at all (a territory with no constant perimeter): too few points below
        at_first = at_last = np.zeros(y.shape[0], dtype=bool)
    reason = np.full(y.shape[0], "ok", dtype="<U18")
    reason[(n >= 3) & (total > 0) & (at_first | at_last)] = "no_finite_estimate"
    reason[(n >= 3) & (total == 0)] = "all_zero"
    reason[n < 3] = "too_few_points"
    fit = reason == "ok"

    # Newton-Raphson on the Poisson log-likelihood (for the log link, the same steps as IRLS),
    # from the no-trend fit, all series at once; a series leaves the loop once it has settled.
    # mu = exposure * exp(a) * exp(b x): the sums over years of mu, mu x and mu x^2 are one
    # matrix product, scaled by exp(a) per series.
    powers = np.stack([np.ones_like(x), x, x * x])  # (3, years); powers @ q.T is far faster
    # than q @ powers.T for a tall q with numpy's matmul
    yf, ef = y0[fit], weighted_exposure[fit]
    sum_y = total[fit]
    sum_xy = yf @ x
    a = np.log(sum_y / ef.sum(axis=1))
    b = np.zeros(yf.shape[0])
    converged = np.zeros(yf.shape[0], dtype=bool)
    active = np.arange(yf.shape[0])
    ea, ya, xya = ef, sum_y, sum_xy
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(MAX_ITERATIONS):
            sums = powers @ (ea * np.exp(b[active, None] * x[None, :])).T * np.exp(a[active])
            s0, s1, s2 = sums
            g0 = ya - s0
            g1 = xya - s1
            det = s0 * s2 - s1 * s1
            da = (s2 * g0 - s1 * g1) / det
            db = (s0 * g1 - s1 * g0) / det
            a[active] += da
            b[active] += db
            done = (np.abs(da) < TOLERANCE) & (np.abs(db) < TOLERANCE)
            converged[active[done]] = True
            moving = ~done & np.isfinite(da) & np.isfinite(db)
            if not moving.any():
                break
            active, ea, ya, xya = active[moving], ea[moving], ya[moving], xya[moving]

        mu = ef * np.exp(b[:, None] * x[None, :]) * np.exp(a)[:, None]
        s0, s1, s2 = powers @ mu.T
        # Pearson chi-square: sum of (y - mu)^2 / mu = y^2 / mu - 2 y + mu over the usable
        # cells; a left-out cell has y = mu = 0 and adds 0 / 1.
        pearson_chi2 = (yf * yf / (mu + (ef == 0))).sum(axis=1) - 2 * sum_y + s0
        df = n[fit] - 2
        pearson = pearson_chi2 / df
        scale = np.maximum(pearson, 1.0) if floor_dispersion else pearson
        se = np.sqrt(scale * s0 / (s0 * s2 - s1 * s1))
        quantiles = student.ppf(1 - alpha / 2, np.arange(1, y.shape[1] + 1))
        quantile = quantiles[df.astype(np.int64) - 1]
        p_value = 2 * student.sf(np.abs(b / se), df)

    idx = np.flatnonzero(fit)
    reason[idx[~converged]] = "not_converged"
    ok = idx[converged]

    def spread(values: FloatArray) -> FloatArray:
        out = np.full(y.shape[0], np.nan)
        out[ok] = values[converged]
        return out

    return TrendResult(
        annual_ratio=spread(np.exp(b)),
        ratio_low=spread(np.exp(b - quantile * se)),
        ratio_high=spread(np.exp(b + quantile * se)),
        p_value=spread(p_value),
        slope=spread(b),
        slope_se=spread(se),
        intercept=spread(a),
        dispersion=spread(pearson),
        scale=spread(scale),
        n_points=n.astype(np.int64),
        reason=reason,
        alpha=alpha,
    )


def _tie_term(ordered: FloatArray) -> FloatArray:
    """Sum of t (t - 1) (2t + 5) over the groups of equal values of each sorted row."""
    total = np.zeros(ordered.shape[0])
    run = np.ones(ordered.shape[0])
    for col in range(ordered.shape[1] - 1):
        equal = ordered[:, col + 1] == ordered[:, col]
        closed = np.where(equal, 0.0, run * (run - 1) * (2 * run + 5))
        total += closed
        run = np.where(equal, run + 1, 1.0)
    return total + run * (run - 1) * (2 * run + 5)


def mann_kendall(values_2d: npt.ArrayLike) -> MKResult:
    """Mann-Kendall trend test and Sen's slope of each row, ``NaN`` values left out.

    Equal to ``pymannkendall.original_test`` row by row (s, var_s, z, p, Tau, slope).

    >>> r = mann_kendall([[1, 2, 3, 4, 5], [3, float("nan"), 1, 1, 2], [4, 4, 4, 4, 4]])
    >>> r.s.tolist(), r.var_s.tolist()
    ([10.0, -1.0, 0.0], [16.666666666666668, 7.666666666666667, 0.0])
    >>> [round(float(p), 4) for p in r.p_value], r.slope.tolist()
    ([0.0275, 1.0, 1.0], [1.0, -0.125, 0.0])
    """
    x = _as_2d(values_2d, "values_2d")
    known = ~np.isnan(x)
    n = known.sum(axis=1)
    n_cols = x.shape[1]
    columns = np.ascontiguousarray(x.T)  # one contiguous row per year: fast pair differences
    pairs = [(i, j) for i in range(n_cols) for j in range(i + 1, n_cols)]
    s = np.zeros(x.shape[0])
    slopes = np.empty((len(pairs), x.shape[0]))
    for p, (i, j) in enumerate(pairs):
        d = columns[j] - columns[i]  # NaN when either is suppressed: neither > 0 nor < 0
        s += d > 0
        s -= d < 0
        slopes[p] = d / (j - i)

    # Ties: sum over groups of equal values of t (t - 1) (2t + 5). Sorting each row puts NaN
    # last (never equal to anything) and equal values side by side.
    ordered = np.sort(x, axis=1)
    tie_term = _tie_term(ordered)
    nf = n.astype(np.float64)
    var_s = (nf * (nf - 1) * (2 * nf + 5) - tie_term) / 18
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (s - np.sign(s)) / np.sqrt(var_s)
        tau = s / (0.5 * nf * (nf - 1))
    z[s == 0] = 0.0
    p_value = 2 * norm.sf(np.abs(z))

    # Sen's slope: median of the pair slopes that exist (NaN sort last), on the true positions.
    enough = n >= 3
    ordered_slopes = np.sort(slopes.T[enough], axis=1)
    m = (n[enough] * (n[enough] - 1)) // 2
    rows = np.arange(ordered_slopes.shape[0])
    slope = np.full(x.shape[0], np.nan)
    slope[enough] = 0.5 * (ordered_slopes[rows, (m - 1) // 2] + ordered_slopes[rows, m // 2])
    missing = ~enough

    def masked(values: FloatArray) -> FloatArray:
        return np.where(missing, np.nan, values)

    return MKResult(
        s=masked(s),
        var_s=masked(var_s),
        z=masked(z),
        p_value=masked(p_value),
        tau=masked(tau),
        slope=slope,
        n_points=n.astype(np.int64),
    )


_TREND_REASONS: Final = {
    "too_few_points": "tendance non calculable : moins de trois années connues",
    "all_zero": "aucun fait enregistré sur les années connues",
    "no_finite_estimate": "tendance non calculable : les faits se concentrent sur une seule "
    "année extrême de la période",
    "not_converged": "tendance non calculable (le calcul n'a pas abouti)",
}


def describe_trend(result: TrendResult, i: int) -> str:
    """One French sentence for series ``i`` of a :class:`TrendResult`, for a coordinator.

    >>> r = quasi_poisson_trend([[100, 110, 121, 133]], [[1, 1, 1, 1]], [2020, 2021, 2022, 2023])
    >>> head, verdict = describe_trend(r, 0).split(", ")
    >>> head
    '+10 % par an en moyenne sur 4 années (IC 95 % : -8 % à +32 %)'
    >>> verdict
    'tendance non significative (p = 0,15)'
    >>> describe_trend(quasi_poisson_trend([[3, float("nan"), 4]], [[1, 1, 1]], [1, 2, 3]), 0)
    'tendance non calculable : moins de trois années connues'
    """
    reason = str(result.reason[i])
    if reason != "ok":
        return _TREND_REASONS.get(reason, "tendance non calculable")
    p = float(result.p_value[i])
    verdict = "significative" if p < result.alpha else "non significative"
    level = _level(result.alpha)
    return (
        f"{percent_change(float(result.annual_ratio[i]) - 1)} par an en moyenne sur "
        f"{int(result.n_points[i])} années (IC {level} % : "
        f"{percent_change(float(result.ratio_low[i]) - 1)} à "
        f"{percent_change(float(result.ratio_high[i]) - 1)}), tendance {verdict} "
        f"({_p_text(p)})"
    )
