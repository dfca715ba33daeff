"""Estimates from weighted answers with linearised standard errors.

A total, a mean or a proportion (the mean of a yes/no answer), over all answers or in a domain
(a neighbourhood, an age band), weighted by design or calibrated weights, with the standard
error of the design.

**Variance.** Each estimate is written as a weighted total of *influence values* ``z``: the
variable itself for a total, ``(y - mean) / N`` for a mean (``N`` the sum of weights), zero
outside the domain. With calibrated weights, ``z`` is first replaced by its residuals ``e`` from
the weighted least squares regression on the calibration variables with the **design** weights
``d`` (the part of ``z`` the margins explain has no sampling error; Deville and Särndal 1992,
as R ``survey::calibrate`` then ``svymean`` / ``svytotal`` compute it). Then ``u = w e``,
``T_c`` its total in each primary sampling unit (PSU) ``c`` of stratum ``h``, and::

    V = sum_h (1 - f_h) n_h / (n_h - 1) sum_{c in h} (T_c - mean_h T)^2

(``n_h`` PSUs drawn in stratum ``h``, ``f_h`` their sampling fraction). Degrees of freedom:
number of PSUs minus number of strata.

**Design effect** (Kish 1965): ``V`` over the variance a simple random sample of the same size
would give, ``(1 - n / N) s^2 / n`` with ``s^2 = n / (n - 1) sum w (y - mean)^2 / sum w``, as R
``svymean(..., deff = TRUE)`` computes it; **effective sample size** ``n / deff``. The weights'
own effect is :func:`kish_effective_size`, ``(sum w)^2 / sum w^2``.

**Change between two waves** (:func:`compare_waves`): two independent surveys (two years),
difference of their shares with Newcombe's (1998, method 10) interval built on each wave's
Wilson interval (effective samples), which stays within [-1, 1] and behaves near 0 and 1, and
the two-sided p-value of "no change" from ``d / sqrt(se_1^2 + se_2^2)`` (normal).

**Intervals of proportions.** Korn and Graubard (1998): the Clopper-Pearson interval for ``x =
n* p`` successes out of ``n*``, where ``n* = p (1 - p) / V`` is the effective sample size,
multiplied by ``(z / t_df)^2`` for the degrees of freedom; as R ``svyciprop(method = "beta")``.
Where ``V`` says nothing (``p`` is 0 or 1) or the design effect is below 1, ``n*`` is the number
of answers: a conservative choice, never narrower than Clopper-Pearson on the answers. It stays in
``[0, 1]`` and keeps a width at ``p = 0`` and ``p = 1``, where a normal interval collapses to a
point. Wilson's interval with the same ``n*`` is available (``method="wilson"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import beta, norm, t

from crimestats.survey.calibration import CalibrationResult
from crimestats.survey.design import DesignError, SampleDesign

__all__ = [
    "Estimate",
    "IntervalMethod",
    "ProportionEstimate",
    "WaveChange",
    "compare_waves",
    "kish_effective_size",
    "korn_graubard_interval",
    "linearised_variance",
    "mean",
    "proportion",
    "total",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntervalMethod = Literal["korn-graubard", "wilson"]


@dataclass(frozen=True)
class Estimate:
    """``value`` and its standard error ``se``; ``n`` the answers it rests on (in the domain),
    ``df`` the degrees of freedom of the design, ``deff`` the design effect, ``n_effective``
    ``n / deff``."""

    value: float
    se: float
    n: int
    df: int
    deff: float
    n_effective: float


@dataclass(frozen=True)
class ProportionEstimate(Estimate):
    """A proportion with its interval ``[low, high]`` at ``level``."""

    low: float
    high: float
    level: float
    method: IntervalMethod


def kish_effective_size(weights: npt.ArrayLike) -> float:
    """Kish's effective sample size of a set of weights, ``(sum w)^2 / sum w^2``.

    >>> kish_effective_size([1, 1, 1, 1]), kish_effective_size([1, 1, 1, 5])
    (4.0, 2.2857142857142856)
    """
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / np.sum(w * w))


def _weights(design: SampleDesign, calibration: CalibrationResult | None) -> FloatArray:
    if calibration is None:
        return design.weights
    if calibration.weights.shape != design.weights.shape:
        raise DesignError("le calage et le plan de sondage ne portent pas sur les mêmes réponses")
    return calibration.weights


def linearised_variance(
    z: npt.ArrayLike, design: SampleDesign, calibration: CalibrationResult | None = None
) -> float:
    """Variance of ``sum w z`` (module docstring): ``z`` the influence values of an estimate."""
    zz = np.asarray(z, dtype=np.float64)
    w = _weights(design, calibration)
    if calibration is not None:
        x, d = calibration.model_matrix, calibration.design_weights
        xd = x * d[:, None]
        coefficients = np.linalg.lstsq(xd.T @ x, xd.T @ zz, rcond=None)[0]
        zz = zz - x @ coefficients
    u = w * zz
    psu_totals = np.bincount(design.psu, weights=u)
    psu_stratum = np.zeros(psu_totals.shape[0], dtype=np.int64)
    psu_stratum[design.psu] = design.strata
    n_strata = design.sampling_fraction.shape[0]
    n_h = np.bincount(psu_stratum, minlength=n_strata).astype(np.float64)
    if np.any(n_h == 1):
        h = int(np.flatnonzero(n_h == 1)[0])
        raise DesignError(
            f"la strate n° {h + 1} n'a qu'une unité primaire : sa variance ne peut être estimée"
        )
    sums = np.bincount(psu_stratum, weights=psu_totals, minlength=n_strata)
    means = np.divide(sums, n_h, out=np.zeros_like(sums), where=n_h > 0)
    squares = np.bincount(
        psu_stratum, weights=(psu_totals - means[psu_stratum]) ** 2, minlength=n_strata
    )
    factor = np.divide(
        (1.0 - design.sampling_fraction) * n_h, n_h - 1, out=np.zeros_like(n_h), where=n_h > 1
    )
    return float(np.sum(factor * squares))


def _degrees_of_freedom(design: SampleDesign) -> int:
    return int(np.unique(design.psu).size - np.unique(design.strata).size)


def _prepare(
    y: npt.ArrayLike,
    design: SampleDesign,
    calibration: CalibrationResult | None,
    domain: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray, BoolArray]:
    yy = np.asarray(y, dtype=np.float64)
    if yy.shape != design.weights.shape:
        raise DesignError(f"{yy.shape[0]} valeurs pour {design.n} réponses")
    inside = (
        np.ones(design.n, dtype=np.bool_) if domain is None else np.asarray(domain, dtype=np.bool_)
    )
    if inside.shape != yy.shape:
        raise DesignError("le domaine doit avoir une valeur par réponse")
    if np.any(np.isnan(yy[inside])):
        raise DesignError(
            "une réponse du domaine n'a pas de valeur : retirez les non-réponses par le domaine"
        )
    if not inside.any():
        raise DesignError("aucune réponse dans le domaine")
    return yy, _weights(design, calibration), inside


def _srs_variance_of_mean(yy: FloatArray, w: FloatArray, inside: BoolArray) -> float:
    """R's ``svyvar(y) / n * (N - n) / N`` in the domain: the denominator of the design effect."""
    yd, wd = yy[inside], w[inside]
    n = yd.size
    if n < 2:
        return float("nan")
    m = np.sum(wd * yd) / np.sum(wd)
    s2 = np.sum(wd * (yd - m) ** 2) / np.sum(wd) * n / (n - 1)
    big_n = np.sum(wd)
    return float(s2 / n * max(big_n - n, 0.0) / big_n)


def _estimate(value: float, variance: float, srs: float, n: int, df: int) -> Estimate:
    deff = variance / srs if srs > 0 else float("nan")
    return Estimate(
        value=value,
        se=float(np.sqrt(variance)),
        n=n,
        df=df,
        deff=deff,
        n_effective=n / deff if deff > 0 else float("nan"),
    )


def total(
    y: npt.ArrayLike,
    design: SampleDesign,
    calibration: CalibrationResult | None = None,
    *,
    domain: npt.ArrayLike | None = None,
) -> Estimate:
    """Weighted total of ``y`` (over ``domain`` when given, a boolean per answer)."""
    yy, w, inside = _prepare(y, design, calibration, domain)
    z = np.where(inside, yy, 0.0)
    variance = linearised_variance(z, design, calibration)
    big_n = float(np.sum(w[inside]))
    srs = _srs_variance_of_mean(yy, w, inside) * big_n**2
    return _estimate(
        float(np.sum(w * z)), variance, srs, int(inside.sum()), _degrees_of_freedom(design)
    )


def mean(
    y: npt.ArrayLike,
    design: SampleDesign,
    calibration: CalibrationResult | None = None,
    *,
    domain: npt.ArrayLike | None = None,
) -> Estimate:
    """Weighted mean of ``y`` (over ``domain`` when given, a boolean per answer)."""
    yy, w, inside = _prepare(y, design, calibration, domain)
    big_n = float(np.sum(w[inside]))
    value = float(np.sum(w[inside] * yy[inside]) / big_n)
    z = np.where(inside, (yy - value) / big_n, 0.0)
    variance = linearised_variance(z, design, calibration)
    srs = _srs_variance_of_mean(yy, w, inside)
    return _estimate(value, variance, srs, int(inside.sum()), _degrees_of_freedom(design))


def _effective_n(p: float, variance: float, n: int) -> float:
    """``p (1 - p) / V``, at most ``n``; ``n`` where ``V`` says nothing (``p`` 0 or 1)."""
    if 0.0 < p < 1.0 and variance > 0:
        return min(p * (1.0 - p) / variance, float(n))
    return float(n)


def korn_graubard_interval(
    p: float, variance: float, n: int, df: float | None = None, level: float = 0.95
) -> tuple[float, float]:
    """Korn and Graubard (1998) interval of a proportion ``p`` of variance ``variance`` estimated
    from ``n`` answers with ``df`` degrees of freedom (None: no correction).

    Clopper-Pearson on the effective sample; ``n`` stands in for it when the variance says
    nothing (module docstring).

    >>> [round(b, 4) for b in korn_graubard_interval(0.0, 0.0, 50)]
    [0.0, 0.0711]
    """
    alpha = 1.0 - level
    n_eff = _effective_n(p, variance, n)
    if df is not None and df > 0:
        n_eff *= (norm.ppf(alpha / 2) / t.ppf(alpha / 2, df)) ** 2
    x = n_eff * p
    low = 0.0 if p <= 0 else float(beta.ppf(alpha / 2, x, n_eff - x + 1))
    high = 1.0 if p >= 1 else float(beta.ppf(1 - alpha / 2, x + 1, n_eff - x))
    return low, high


def wilson_interval(
    p: float, variance: float, n: int, df: float | None = None, level: float = 0.95
) -> tuple[float, float]:
    """Wilson's score interval on the same effective sample as :func:`korn_graubard_interval`.

    >>> [round(b, 4) for b in wilson_interval(0.0, 0.0, 50)]
    [0.0, 0.0713]
    """
    alpha = 1.0 - level
    n_eff = _effective_n(p, variance, n)
    z = float(norm.ppf(1 - alpha / 2) if df is None or df <= 0 else t.ppf(1 - alpha / 2, df))
    z2 = z * z
    centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = z / (1 + z2 / n_eff) * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff**2))
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def proportion(
    y: npt.ArrayLike,
    design: SampleDesign,
    calibration: CalibrationResult | None = None,
    *,
    domain: npt.ArrayLike | None = None,
    level: float = 0.95,
    method: IntervalMethod = "korn-graubard",
) -> ProportionEstimate:
    """Weighted share of ``y`` (booleans, or 0/1) with its interval."""
    yy = np.asarray(y, dtype=np.float64)
    known = yy[~np.isnan(yy)]
    if np.any((known != 0) & (known != 1)):
        raise DesignError("une proportion se calcule sur des réponses oui (1) / non (0)")
    m = mean(yy, design, calibration, domain=domain)
    interval = korn_graubard_interval if method == "korn-graubard" else wilson_interval
    low, high = interval(m.value, m.se**2, m.n, m.df, level)
    return ProportionEstimate(
        value=m.value,
        se=m.se,
        n=m.n,
        df=m.df,
        deff=m.deff,
        n_effective=m.n_effective,
        low=low,
        high=high,
        level=level,
        method=method,
    )


@dataclass(frozen=True)
class WaveChange:
    """``after - before`` of two independent waves' shares, its interval and p-value."""

    difference: float
    se: float
    low: float
    high: float
    p_value: float
    level: float


def compare_waves(
    before: ProportionEstimate, after: ProportionEstimate, *, level: float = 0.95
) -> WaveChange:
    """Change of a share between two independent waves (module docstring).

    >>> from crimestats.survey.design import simple_random
    >>> wave = lambda k, n: proportion([1.0] * k + [0.0] * (n - k), simple_random(n))
    >>> change = compare_waves(wave(30, 120), wave(18, 110))
    >>> round(change.difference, 4), round(change.low, 4), round(change.high, 4)
    (-0.0864, -0.189, 0.0199)
    """
    l1, u1 = wilson_interval(before.value, before.se**2, before.n, None, level)
    l2, u2 = wilson_interval(after.value, after.se**2, after.n, None, level)
    d = after.value - before.value
    se = float(np.hypot(before.se, after.se))
    low = d - float(np.hypot(after.value - l2, u1 - before.value))
    high = d + float(np.hypot(u2 - after.value, before.value - l1))
    p_value = float(2 * norm.sf(abs(d) / se)) if se > 0 else (1.0 if d == 0 else 0.0)
    return WaveChange(difference=d, se=se, low=low, high=high, p_value=p_value, level=level)
