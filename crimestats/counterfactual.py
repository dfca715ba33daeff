"""What would have happened without the action: difference-in-differences and synthetic control.

Both compare a *treated* commune (where the strategy acted) with communes that it did not touch,
before and after the start of the action, on recorded-crime rates per 1,000.

**Difference-in-differences on counts** (:func:`poisson_did`). The treated commune and a group
of comparison communes (for instance :func:`crimestats.similar.similar_communes`), yearly counts
and exposures (population, or dwellings for burglary). The model is a Poisson regression with one
effect per commune, one per year and one for "treated commune, after the start"::

    log(mean count[i, t]) = log(exposure[i, t]) + a[i] + b[t] + delta * treated_after[i, t]

``exp(delta)`` (``ratio``) is the factor by which the treated commune's rate moved *beyond* the
movement of the comparison communes (0.8: 20 % lower than if it had followed them). The standard
error is a quasi-Poisson one: inflated by the dispersion (Pearson chi-square / residual degrees of
freedom, floored at 1 as in :mod:`crimestats.trend`), with Student's t on the residual degrees of
freedom. It is equal to statsmodels' ``GLM(..., family=Poisson(), offset=log(exposure))
.fit(scale="X2", use_t=True)`` with the floor off.

Why this model and not an OLS regression of rates with cluster-robust errors? Recorded crime is
counts, often small, with published zeros: a Poisson model takes them as they are and weighs each
commune by its size, where a rate of a 2,000-inhabitant commune is very noisy. The effect is a
ratio, so a commune twice as large with the same evolution counts the same. And with a single
treated commune, cluster-robust standard errors are badly biased (Conley and Taber 2011, MacKinnon
and Webb 2017); the quasi-Poisson error treats every year of every commune as one noisy
observation of its model, which is what we have. Its limit: years of one commune are taken as
independent given the effects, so a persistent local shock can look like an effect. Hence the
placebo p-value also given (``placebo_p_value``): the same fit with each comparison commune in
turn as "treated" (the treated commune left out), and the rank of the treated commune's
``|delta|`` among them; with ``n`` comparison communes it cannot go below ``1 / (n + 1)``.

Suppressed cells (``NaN``, statistical secrecy) are left out, never read as 0. A commune with no
fact at all is left out (its rate is 0, its effect is minus infinity); so is a year with no fact
in any commune. ``reason`` tells why a result is ``NaN``.

**Synthetic control** (:func:`synthetic_control`, Abadie, Diamond and Hainmueller 2010). The
treated commune's rates are compared with a weighted mean of *donor* communes, the weights being
non-negative, summing to 1, and chosen so that the weighted mean follows the treated commune as
closely as possible before the start (by default: the least sum of squared differences of the
yearly rates over the pre-period; optionally on predictors weighted by a diagonal ``V``, each
predictor first divided by its standard deviation over the units, as R's ``Synth`` and
``pysyncon`` do). The *gap* (treated minus synthetic) after the start is the estimated effect.
The pre-period root mean squared prediction error (``pre_rmspe``) says how well the synthetic
commune follows the treated one: a large one makes the gap meaningless.

The weights are computed by an exact active-set method on the simplex (Lawson and Hanson's
non-negative least squares, with the sum-to-one constraint kept at every step): the solution has
at most ``T0 + 1`` non-zero weights for ``T0`` pre-period years (Carathéodory), the method adds
one donor at a time (the one whose gradient most decreases the loss) and solves the small least
squares problem on the chosen donors. Each step reads the donors' matrix once (``T0 x J``), so
35,000 communes as donors cost milliseconds. With that many donors the treated commune is almost
always inside their convex hull: the pre-period fit is perfect, and the weights are one solution
among many: restrict the pool to comparable communes (Abadie 2021, "Using synthetic controls").

**Placebo test in space** (:func:`placebo_test`): the same fit with each donor in turn as
"treated", the others as donors (the treated commune is left out of every placebo pool). The
statistic is the ratio of post- to pre-period RMSPE, so that a placebo fitted badly before does
not count as a large effect; the p-value is the rank of the treated commune's ratio among all
(1 = the largest) divided by the number of units (Abadie et al. 2010, section 4; California is
first of 39, p = 1/39 = 0.026).

References: Abadie, Diamond and Hainmueller (2010), "Synthetic Control Methods for Comparative
Case Studies", JASA 105(490); Abadie (2021), Journal of Economic Literature 59(2); Wooldridge
(1999), "Distribution-free estimation of some nonlinear panel data models", J. Econometrics 90;
Conley and Taber (2011), REStat 93(1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.stats import chi2, norm
from scipy.stats import f as f_dist
from scipy.stats import t as student

from crimestats.change import _level, _p_text
from crimestats.french import number, percent_change
from crimestats.power import DetectableEffect, placebo_detectable_effect
from crimestats.rates import PER

__all__ = [
    "PRE_TREND_ALPHA",
    "DesignCheck",
    "DidResult",
    "PlaceboResult",
    "PreTrend",
    "SyntheticControlResult",
    "check_did",
    "check_synthetic_control",
    "describe_did",
    "describe_synthetic_control",
    "fitted_within",
    "min_placebos",
    "placebo_test",
    "poisson_did",
    "pre_trend_test",
    "relative_post_rmspe",
    "simplex_least_squares",
    "synthetic_control",
    "synthetic_control_detectable",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_ITERATIONS: Final = 100
TOLERANCE: Final = 1e-10
POOR_FIT: Final = 0.1
"""A synthetic commune whose pre-period RMSPE exceeds this share of the treated commune's mean
pre-period rate is said to follow it poorly."""


# --------------------------------------------------------------------------------------------
# Difference-in-differences
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DidResult:
    """Poisson difference-in-differences of a treated commune against comparison communes.

    ``ratio`` = exp(``delta``): how much the treated commune's rate moved beyond the comparison
    communes' movement (0.8 = 20 % lower than if it had followed them), ``ratio_low`` and
    ``ratio_high`` its interval at level ``1 - alpha``, ``p_value`` of "no difference" (t with
    ``df`` degrees of freedom, normal when ``df`` is 0). ``dispersion`` is the Pearson estimate
    (NaN when ``df`` is 0), ``scale`` the one used. Pooled rates per 1,000 over the known cells
    of each group and period (``rate_*``); ``change_treated`` and ``change_controls`` their
    post / pre ratios; ``rate_difference`` the additive difference-in-differences of those rates
    per 1,000 (descriptive, no test). ``placebo_p_value``: rank of ``|delta|`` among the
    comparison communes refitted as if treated (NaN when none could be refitted), their
    ``delta`` in ``placebo_deltas``.
    ``reason``: ``"ok"``, ``"no_dispersion"`` (no residual degree of freedom: the interval
    assumes pure Poisson variation), or why the estimate is NaN (``"no_fact_treated_pre"``,
    ``"no_fact_treated_post"``, ``"no_fact_controls_pre"``, ``"no_fact_controls_post"``,
    ``"not_converged"``).
    """

    ratio: float
    ratio_low: float
    ratio_high: float
    p_value: float
    delta: float
    delta_se: float
    dispersion: float
    scale: float
    df: int
    n_cells: int
    n_controls: int
    rate_treated_pre: float
    rate_treated_post: float
    rate_controls_pre: float
    rate_controls_post: float
    change_treated: float
    change_controls: float
    rate_difference: float
    placebo_p_value: float
    alpha: float
    reason: str
    placebo_deltas: tuple[float, ...] = ()


def _as_panel(values: npt.ArrayLike, shape: tuple[int, int], name: str) -> FloatArray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim == 1 and a.shape[0] == shape[0]:
        a = np.repeat(a[:, None], shape[1], axis=1)
    if a.shape != shape:
        raise ValueError(f"{name} : forme {a.shape} attendue {shape}")
    return a


def _poisson_fe(
    y: FloatArray,
    offset: FloatArray,
    unit: npt.NDArray[np.intp],
    period: npt.NDArray[np.intp],
    d: FloatArray,
) -> tuple[float, float, float, int, bool]:
    """Poisson fit with unit and period effects and one dummy; (delta, se at scale 1, Pearson
    chi-square, residual df, converged). Newton-Raphson (IRLS) on the dense design: a few
    hundred cells and a few dozen parameters."""
    n_units = int(unit.max()) + 1
    n_periods = int(period.max()) + 1
    n = y.size
    x = np.zeros((n, n_units + n_periods), dtype=np.float64)
    x[np.arange(n), unit] = 1.0
    # Periods 1.. as dummies (period 0 is the reference); last column the treatment dummy.
    rows = np.nonzero(period > 0)[0]
    x[rows, n_units + period[rows] - 1] = 1.0
    x[:, -1] = d
    p = x.shape[1]
    df = n - p
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    beta = np.zeros(p)
    deviance = math.inf
    converged = False
    for _ in range(MAX_ITERATIONS):
        z = eta - offset + (y - mu) / mu
        sw = np.sqrt(mu)
        beta, *_ = np.linalg.lstsq(x * sw[:, None], z * sw, rcond=None)
        eta = x @ beta + offset
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
        new_deviance = 2 * float(terms.sum())
        if abs(new_deviance - deviance) <= TOLERANCE * (abs(new_deviance) + 0.1):
            converged = True
            break
        deviance = new_deviance
    info = x.T @ (x * mu[:, None])
    cov = np.linalg.pinv(info)
    se = math.sqrt(max(float(cov[-1, -1]), 0.0))
    pearson = float(np.sum((y - mu) ** 2 / mu))
    return float(beta[-1]), se, pearson, df, converged


def _poisson_fe_multi(
    y: FloatArray,
    offset: FloatArray,
    unit: npt.NDArray[np.intp],
    period: npt.NDArray[np.intp],
    d: FloatArray,
) -> tuple[FloatArray, FloatArray, float, int, bool]:
    """Poisson fit with unit and period effects and the ``k`` columns of ``d``; (their
    coefficients, their covariance at scale 1, Pearson chi-square, residual df, converged),
    by the same IRLS as :func:`_poisson_fe`."""
    n_units = int(unit.max()) + 1
    n_periods = int(period.max()) + 1
    n = y.size
    k = d.shape[1]
    x = np.zeros((n, n_units + n_periods - 1 + k), dtype=np.float64)
    x[np.arange(n), unit] = 1.0
    rows = np.nonzero(period > 0)[0]
    x[rows, n_units + period[rows] - 1] = 1.0
    x[:, n_units + n_periods - 1 :] = d
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    beta = np.zeros(x.shape[1])
    deviance = math.inf
    converged = False
    for _ in range(MAX_ITERATIONS):
        z = eta - offset + (y - mu) / mu
        sw = np.sqrt(mu)
        beta, *_ = np.linalg.lstsq(x * sw[:, None], z * sw, rcond=None)
        eta = x @ beta + offset
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
        new_deviance = 2 * float(terms.sum())
        if abs(new_deviance - deviance) <= TOLERANCE * (abs(new_deviance) + 0.1):
            converged = True
            break
        deviance = new_deviance
    cov = np.linalg.pinv(x.T @ (x * mu[:, None]))
    pearson = float(np.sum((y - mu) ** 2 / mu))
    return beta[-k:], cov[-k:, -k:], pearson, n - x.shape[1], converged


PRE_TREND_ALPHA: Final = 0.10
"""Level of the pre-trend test that gates a difference-in-differences' verdict."""


@dataclass(frozen=True)
class PreTrend:
    """Event-study test of parallel trends before the start of the action.

    On the pre-period only, the Poisson model of :func:`poisson_did` with one effect per
    pre-period year of the treated commune (*leads*), the last pre-period year as reference:
    ``lead_ratio[t]`` = how far the treated commune's rate stood from the comparison's path in
    year ``t`` relative to the last year before the start (1 = parallel), with its interval
    at ``1 - alpha``; ``p_value`` the joint test that every lead is 1 (F test with the
    quasi-Poisson dispersion, floored at 1, on ``df`` residual degrees of freedom; chi-square
    when ``df`` is 0). ``parallel`` is ``p_value >= alpha``. ``years`` are the pre-period
    column indices of the leads; ``reason`` says why there is no test (fewer than 2 usable
    pre-period years...).
    """

    years: tuple[int, ...]
    lead_ratio: tuple[float, ...]
    lead_low: tuple[float, ...]
    lead_high: tuple[float, ...]
    p_value: float
    df: int
    alpha: float
    reason: str = ""

    @property
    def parallel(self) -> bool:
        return not self.reason and self.p_value >= self.alpha


def pre_trend_test(
    counts: npt.ArrayLike,
    exposures: npt.ArrayLike,
    n_pre: int,
    *,
    alpha: float = PRE_TREND_ALPHA,
    floor_dispersion: bool = True,
) -> PreTrend:
    """Joint test of the treated commune's (row 0) leads on the ``n_pre`` years before the
    start (see :class:`PreTrend`). ``alpha`` 10 % by default: a pre-trend test is a safeguard,
    it must not be too lenient with few years.

    >>> counts = [[1000, 1100, 1210, 1331], [2000] * 4, [500] * 4]
    >>> t = pre_trend_test(counts, [10_000, 20_000, 5_000], n_pre=4)
    >>> [round(r, 3) for r in t.lead_ratio], t.parallel
    ([0.751, 0.826, 0.909], False)
    """
    k = np.asarray(counts, dtype=np.float64)
    e = _as_panel(exposures, k.shape, "exposures")
    empty = PreTrend((), (), (), (), math.nan, 0, alpha)
    if n_pre < 2:
        return PreTrend(**{**empty.__dict__, "reason": "moins de deux années avant le début"})
    kp, ep = k[:, :n_pre], e[:, :n_pre]
    y, offset, unit, period, _ = _did_cells(kp, ep, n_pre, 0)
    known_t = ~np.isnan(kp[0]) & np.isfinite(ep[0]) & (ep[0] > 0)
    years_known = np.nonzero(known_t)[0]
    if years_known.size < 2 or unit.size == 0 or int(unit.max()) < 1:
        return PreTrend(
            **{**empty.__dict__, "reason": "moins de deux années connues avant le début"}
        )
    # Rebuild the (unit, year) of each kept cell to place the leads.
    known = ~np.isnan(kp) & np.isfinite(ep) & (ep > 0)
    yk = np.where(known, kp, 0.0)
    keep_unit = yk.sum(axis=1) > 0
    keep_period = yk[keep_unit].sum(axis=0) > 0
    known &= keep_unit[:, None] & keep_period[None, :]
    i, t = np.nonzero(known)
    if not keep_unit[0]:
        return PreTrend(**{**empty.__dict__, "reason": "aucun fait dans la commune avant le début"})
    lead_years = [int(year) for year in np.unique(t[i == 0])][:-1]
    if not lead_years:
        return PreTrend(
            **{**empty.__dict__, "reason": "moins de deux années connues avant le début"}
        )
    d = np.column_stack([((i == 0) & (t == year)).astype(np.float64) for year in lead_years])
    beta, cov, pearson, df, converged = _poisson_fe_multi(y, offset, unit, period, d)
    if not converged:
        return PreTrend(**{**empty.__dict__, "reason": "le calcul n'a pas abouti"})
    if df > 0:
        dispersion = pearson / df
        scale = max(dispersion, 1.0) if floor_dispersion else dispersion
    else:
        scale = 1.0
    cov = cov * scale
    wald = float(beta @ np.linalg.solve(cov, beta))
    q = len(lead_years)
    if df > 0:
        p_value = float(f_dist.sf(wald / q, q, df))
        crit = float(student.ppf(1 - alpha / 2, df))
    else:
        p_value = float(chi2.sf(wald, q))
        crit = float(norm.ppf(1 - alpha / 2))
    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return PreTrend(
        years=tuple(lead_years),
        lead_ratio=tuple(float(v) for v in np.exp(beta)),
        lead_low=tuple(float(v) for v in np.exp(beta - crit * se)),
        lead_high=tuple(float(v) for v in np.exp(beta + crit * se)),
        p_value=p_value,
        df=df,
        alpha=alpha,
    )


def _did_cells(
    counts: FloatArray, exposures: FloatArray, n_pre: int, treated_row: int
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray]:
    """Known cells, communes and years with at least one fact, re-indexed from 0."""
    known = ~np.isnan(counts) & np.isfinite(exposures) & (exposures > 0)
    y = np.where(known, counts, 0.0)
    keep_unit = y.sum(axis=1) > 0
    keep_period = y[keep_unit].sum(axis=0) > 0
    known &= keep_unit[:, None] & keep_period[None, :]
    unit_index = np.cumsum(keep_unit) - 1
    period_index = np.cumsum(keep_period) - 1
    i, t = np.nonzero(known)
    d = ((i == treated_row) & (t >= n_pre)).astype(np.float64)
    return (
        counts[i, t],
        np.log(exposures[i, t]),
        unit_index[i].astype(np.intp),
        period_index[t].astype(np.intp),
        d,
    )


def _pooled_rates(
    counts: FloatArray, exposures: FloatArray, rows: BoolArray, cols: BoolArray
) -> float:
    k = counts[np.ix_(rows, cols)]
    e = exposures[np.ix_(rows, cols)]
    known = ~np.isnan(k) & np.isfinite(e) & (e > 0)
    total = float(e[known].sum())
    return float(k[known].sum()) / total * PER if total > 0 else math.nan


def _nan_did(reason: str, n_cells: int, n_controls: int, base: dict[str, float]) -> DidResult:
    nan = math.nan
    return DidResult(
        ratio=nan,
        ratio_low=nan,
        ratio_high=nan,
        p_value=nan,
        delta=nan,
        delta_se=nan,
        dispersion=nan,
        scale=nan,
        df=0,
        n_cells=n_cells,
        n_controls=n_controls,
        placebo_p_value=nan,
        reason=reason,
        placebo_deltas=(),
        **base,
    )


def poisson_did(
    counts: npt.ArrayLike,
    exposures: npt.ArrayLike,
    n_pre: int,
    *,
    alpha: float = 0.05,
    floor_dispersion: bool = True,
    placebo: bool = True,
) -> DidResult:
    """Difference-in-differences of row 0 (the treated commune) against the other rows.

    ``counts`` and ``exposures`` are ``(communes, years)``; ``exposures`` may be one value per
    commune. The first ``n_pre`` years are before the start of the action. ``NaN`` counts are
    suppressed values, left out.

    >>> counts = [[100, 104, 98, 70, 72], [200, 198, 205, 202, 196], [50, 52, 49, 51, 50]]
    >>> r = poisson_did(counts, [10_000, 20_000, 5_000], n_pre=3)
    >>> round(r.ratio, 3), round(r.rate_treated_pre, 2), round(r.rate_treated_post, 2)
    (0.71, 10.07, 7.1)
    >>> r.reason, round(r.p_value, 3), r.df
    ('ok', 0.022, 7)
    >>> describe_did(r).split(" : ")[-1]
    'la baisse est significative et plus marquée que dans les communes comparables'
    """
    k = np.asarray(counts, dtype=np.float64)
    if k.ndim != 2 or k.shape[0] < 2:
        raise ValueError(
            "counts : une ligne par commune (la commune traitée en premier), au moins deux"
        )
    e = _as_panel(exposures, k.shape, "exposures")
    n_units, n_periods = k.shape
    if not 1 <= n_pre < n_periods:
        raise ValueError("n_pre : au moins une année avant et une année après le début de l'action")
    known = k[~np.isnan(k)]
    if np.any(known < 0) or np.any(known != np.floor(known)):
        raise ValueError("les nombres doivent être des entiers positifs ou nuls (NaN si secret)")

    treated = np.zeros(n_units, dtype=bool)
    treated[0] = True
    pre = np.arange(n_periods) < n_pre
    rates = {
        (g, per): _pooled_rates(k, e, rows, cols)
        for g, rows in (("t", treated), ("c", ~treated))
        for per, cols in (("pre", pre), ("post", ~pre))
    }
    change_t = rates["t", "post"] / rates["t", "pre"] if rates["t", "pre"] > 0 else math.nan
    change_c = rates["c", "post"] / rates["c", "pre"] if rates["c", "pre"] > 0 else math.nan
    base = {
        "rate_treated_pre": rates["t", "pre"],
        "rate_treated_post": rates["t", "post"],
        "rate_controls_pre": rates["c", "pre"],
        "rate_controls_post": rates["c", "post"],
        "change_treated": change_t,
        "change_controls": change_c,
        "rate_difference": (rates["t", "post"] - rates["t", "pre"])
        - (rates["c", "post"] - rates["c", "pre"]),
        "alpha": alpha,
    }
    for key, reason in (
        (("t", "pre"), "no_fact_treated_pre"),
        (("t", "post"), "no_fact_treated_post"),
        (("c", "pre"), "no_fact_controls_pre"),
        (("c", "post"), "no_fact_controls_post"),
    ):
        if not rates[key] > 0:
            return _nan_did(reason, 0, n_units - 1, base)

    y, offset, unit, period, d = _did_cells(k, e, n_pre, 0)
    delta, se1, pearson, df, converged = _poisson_fe(y, offset, unit, period, d)
    if not converged:
        return _nan_did("not_converged", int(y.size), n_units - 1, base)
    if df > 0:
        dispersion = pearson / df
        scale = max(dispersion, 1.0) if floor_dispersion else dispersion
        se = se1 * math.sqrt(scale)
        q = float(student.ppf(1 - alpha / 2, df))
        p_value = float(2 * student.sf(abs(delta) / se, df))
        reason = "ok"
    else:
        dispersion, scale, se = math.nan, 1.0, se1
        q = float(norm.ppf(1 - alpha / 2))
        p_value = float(2 * norm.sf(abs(delta) / se))
        reason = "no_dispersion"

    placebo_p = math.nan
    if placebo and n_units > 2:
        controls_k, controls_e = k[1:], e[1:]
        stats = []
        for j in range(n_units - 1):
            order = np.r_[j, np.delete(np.arange(n_units - 1), j)]
            kj, ej = controls_k[order], controls_e[order]
            if not all(
                _pooled_rates(kj, ej, rows, cols) > 0
                for rows in (np.arange(n_units - 1) == 0, np.arange(n_units - 1) != 0)
                for cols in (pre, ~pre)
            ):
                continue
            yj, oj, uj, pj, dj = _did_cells(kj, ej, n_pre, 0)
            dj_hat, *_rest, ok = _poisson_fe(yj, oj, uj, pj, dj)
            if ok:
                stats.append(dj_hat)
        if stats:
            placebo_p = (1 + sum(abs(s) >= abs(delta) for s in stats)) / (len(stats) + 1)

    return DidResult(
        ratio=math.exp(delta),
        ratio_low=math.exp(delta - q * se),
        ratio_high=math.exp(delta + q * se),
        p_value=p_value,
        delta=delta,
        delta_se=se,
        dispersion=dispersion,
        scale=scale,
        df=df,
        n_cells=int(y.size),
        n_controls=n_units - 1,
        placebo_p_value=placebo_p,
        reason=reason,
        placebo_deltas=tuple(float(s) for s in stats) if placebo and n_units > 2 else (),
        **base,
    )


_DID_REASONS: Final = {
    "no_fact_treated_pre": "aucun fait connu dans la commune avant le début de l'action",
    "no_fact_treated_post": "aucun fait connu dans la commune depuis le début de l'action",
    "no_fact_controls_pre": "aucun fait connu dans les communes comparables avant le début",
    "no_fact_controls_post": "aucun fait connu dans les communes comparables depuis le début",
    "not_converged": "le calcul n'a pas abouti",
}


def _verdict(sign_effect: int, sign_own: int, significant: bool) -> str:
    """The plain-language conclusion from the sign of the effect (beyond the comparison), the
    sign of the commune's own evolution (-1, 0, 1, on rounded percentages) and the test."""
    if not significant:
        return {
            -1: "la baisse n'est pas distinguable de celle des communes comparables",
            1: "la hausse n'est pas distinguable de celle des communes comparables",
            0: "l'évolution n'est pas distinguable de celle des communes comparables",
        }[sign_own]
    if sign_effect == 0:
        return "l'écart avec les communes comparables est significatif mais inférieur à 1 %"
    if sign_own == 0:
        better = "plus" if sign_effect < 0 else "moins"
        return (
            f"l'évolution est significativement {better} favorable que dans les communes "
            "comparables"
        )
    if sign_own == sign_effect:
        word = "baisse" if sign_effect < 0 else "hausse"
        return f"la {word} est significative et plus marquée que dans les communes comparables"
    word = "baisse" if sign_own < 0 else "hausse"
    return f"la {word} est significativement moins marquée que dans les communes comparables"


INCONCLUSIVE: Final = "non concluant"


def _inconclusive(check: DesignCheck) -> str:
    """The verdict of a design that does not allow one: never "aucun effet"."""
    return f"{INCONCLUSIVE} ({' ; '.join(check.reasons)})"


def _with_notes(verdict: str, check: DesignCheck | None) -> str:
    if check is None or not check.notes:
        return verdict
    return f"{verdict} ({' ; '.join(check.notes)})"


def describe_did(result: DidResult, check: DesignCheck | None = None) -> str:
    """The French conclusion of a :class:`DidResult`, figures first, for a coordinator.

    "Significative" means ``p_value < alpha``. With a :class:`DesignCheck` that fails, the
    figures are followed by "non concluant" and its reasons, whatever the p-value.
    """
    if math.isnan(result.p_value):
        return "comparaison non calculable : " + _DID_REASONS.get(result.reason, result.reason)
    level = _level(result.alpha)
    own = round((result.change_treated - 1) * 100)
    sign_own = (own > 0) - (own < 0)
    effect = round((result.ratio - 1) * 100)
    sign_effect = (effect > 0) - (effect < 0)
    head = (
        f"le taux de la commune passe de {number(result.rate_treated_pre, 1)} à "
        f"{number(result.rate_treated_post, 1)} pour 1 000 "
        f"({percent_change(result.change_treated - 1)}), celui des communes comparables de "
        f"{number(result.rate_controls_pre, 1)} à {number(result.rate_controls_post, 1)} "
        f"({percent_change(result.change_controls - 1)}) ; écart relatif "
        f"{percent_change(result.ratio - 1)} (IC {level} % : "
        f"{percent_change(result.ratio_low - 1)} à {percent_change(result.ratio_high - 1)}"
        f", {_p_text(result.p_value)})"
    )
    if check is not None and not check.conclusive:
        return f"{head} : {_inconclusive(check)}"
    verdict = _verdict(sign_effect, sign_own, result.p_value < result.alpha)
    return f"{head} : {_with_notes(verdict, check)}"


# --------------------------------------------------------------------------------------------
# Synthetic control
# --------------------------------------------------------------------------------------------


def simplex_least_squares(
    donors: npt.ArrayLike, target: npt.ArrayLike, *, max_iterations: int | None = None
) -> FloatArray:
    """Weights ``w >= 0``, ``sum(w) = 1``, minimising ``||target - donors @ w||``.

    ``donors`` is ``(rows, J)``, ``target`` ``(rows,)``. Active-set method (see the module
    docstring); exact to rounding. At most ``rows + 1`` weights are non-zero when the solution is
    unique.

    >>> donors = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]  # three points of the plane
    >>> simplex_least_squares(donors, [0.25, 0.5]).round(6).tolist()
    [0.25, 0.25, 0.5]
    >>> simplex_least_squares(donors, [2.0, 2.0]).round(6).tolist()  # outside: nearest point
    [0.0, 0.5, 0.5]
    """
    b = np.asarray(donors, dtype=np.float64)
    a = np.asarray(target, dtype=np.float64)
    if b.ndim != 2 or a.shape != (b.shape[0],) or b.shape[1] == 0:
        raise ValueError("donors : (lignes, donneurs), target : (lignes,), un donneur au moins")
    if not (np.all(np.isfinite(b)) and np.all(np.isfinite(a))):
        raise ValueError("valeurs manquantes : retirer les donneurs incomplets avant l'ajustement")
    c = b - a[:, None]  # loss = ||c @ w||^2 on the simplex
    n_rows, n_donors = c.shape
    squared = np.einsum("tj,tj->j", c, c)
    first = int(np.argmin(squared))
    w = np.zeros(n_donors)
    w[first] = 1.0
    support = np.array([first], dtype=np.intp)
    residual = c[:, first].copy()
    scale = max(float(squared.max()), 1e-300)
    limit = max_iterations if max_iterations is not None else 10 * (n_rows + 10)
    for _ in range(limit):
        gradient = c.T @ residual  # half the gradient; equals residual @ residual on the support
        level = float(residual @ residual)
        candidate = int(np.argmin(gradient))
        if gradient[candidate] >= level - 1e-12 * scale or w[candidate] > 0:
            break
        support = np.append(support, candidate)
        while True:
            v = _affine_least_squares(c[:, support])
            if np.all(v > 0):
                w[support] = v
                break
            ws = w[support]
            out = v <= 0
            step = float(np.min(ws[out] / (ws[out] - v[out])))
            ws = ws + step * (v - ws)
            ws[out & (ws <= 1e-15)] = 0.0
            ws[ws < 0] = 0.0
            w[support] = ws
            support = support[ws > 0]
            if candidate not in support:
                break  # no progress possible along the entering donor: optimal to rounding
        w[support] /= w[support].sum()
        residual = c[:, support] @ w[support]
        if candidate not in support:
            break
    return w


def _affine_least_squares(m: FloatArray) -> FloatArray:
    """``v`` minimising ``||m @ v||`` subject to ``sum(v) = 1`` (no sign constraint)."""
    if m.shape[1] == 1:
        return np.ones(1)
    last = m[:, -1]
    u, *_ = np.linalg.lstsq(m[:, :-1] - last[:, None], -last, rcond=None)
    return np.append(u, 1.0 - u.sum())


@dataclass(frozen=True)
class SyntheticControlResult:
    """A synthetic control of one treated unit.

    ``weights`` (one per donor, 0 for the donors left out because their series is incomplete:
    ``usable`` is False for them), ``synthetic`` the weighted mean of the donors' series,
    ``gap`` = treated - synthetic, for every period; ``pre_rmspe`` and ``post_rmspe`` the root
    mean squared gaps before and after the start, ``rmspe_ratio`` = post / pre (infinite when the
    pre-period fit is perfect); ``v`` the predictor weights used (None when the fit is on the
    pre-period outcomes alone).
    """

    weights: FloatArray
    usable: BoolArray
    treated: FloatArray
    synthetic: FloatArray
    gap: FloatArray
    n_pre: int
    pre_rmspe: float
    post_rmspe: float
    rmspe_ratio: float
    v: FloatArray | None


def _standardise(x_treated: FloatArray, x_donors: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each predictor divided by its standard deviation over all units (ddof 1), as Synth."""
    spread = np.std(np.column_stack([x_donors, x_treated]), axis=1, ddof=1)
    spread[~(spread > 0)] = 1.0
    return x_treated / spread, x_donors / spread[:, None]


def _fit_weights(
    y_treated: FloatArray,
    y_donors: FloatArray,
    n_pre: int,
    x_treated: FloatArray | None,
    x_donors: FloatArray | None,
    v: FloatArray | Literal["optimise"] | None,
) -> tuple[FloatArray, FloatArray | None]:
    if x_treated is None or x_donors is None:
        return simplex_least_squares(y_donors[:n_pre], y_treated[:n_pre]), None
    xt, xd = _standardise(x_treated, x_donors)
    if not isinstance(v, str):
        vv = np.ones(xt.size) if v is None else v
        root = np.sqrt(vv)
        return simplex_least_squares(xd * root[:, None], xt * root), vv
    # Data-driven V (Abadie and Gardeazabal 2003, Abadie et al. 2010): the diagonal V whose
    # weights best reproduce the pre-period outcomes, by Nelder-Mead from equal weights.
    pre_t, pre_d = y_treated[:n_pre], y_donors[:n_pre]

    def weights_for(x: FloatArray) -> FloatArray:
        vv = np.abs(x) / max(float(np.abs(x).sum()), 1e-300)
        root = np.sqrt(vv)
        return simplex_least_squares(xd * root[:, None], xt * root)

    def loss(x: FloatArray) -> float:
        r = pre_t - pre_d @ weights_for(x)
        return float(r @ r)

    start = np.full(xt.size, 1.0 / xt.size)
    best = minimize(loss, start, method="Nelder-Mead", options={"maxiter": 1000})
    x_best = best.x if best.fun <= loss(start) else start
    vv = np.abs(x_best) / np.abs(x_best).sum()
    return weights_for(x_best), vv


def _rmspe(gap: FloatArray) -> float:
    return math.sqrt(float(np.mean(gap**2))) if gap.size else math.nan


def synthetic_control(
    treated: npt.ArrayLike,
    donors: npt.ArrayLike,
    n_pre: int,
    *,
    predictors_treated: npt.ArrayLike | None = None,
    predictors_donors: npt.ArrayLike | None = None,
    v: npt.ArrayLike | Literal["optimise"] | None = None,
) -> SyntheticControlResult:
    """Synthetic control of ``treated`` (``T`` rates) from ``donors`` (``T x J``).

    The first ``n_pre`` periods are before the start. Without predictors, the weights minimise
    the pre-period sum of squared gaps. With predictors (``K`` values for the treated unit,
    ``K x J`` for the donors: covariates, means of the outcome over some years...), they minimise
    ``sum_k v_k (x_k - x_donors_k @ w)^2 / sd_k^2``, ``sd_k`` the standard deviation of predictor
    ``k`` over all units; ``v`` given (``K`` non-negative values; equal when None) or
    ``"optimise"`` (the ``V`` that best reproduces the pre-period outcomes, Nelder-Mead as in
    R's Synth and pysyncon). A donor with a ``NaN`` in its series (in the periods used) or its
    predictors is left out (weight 0, ``usable`` False).

    >>> donors = [[10.0, 20.0, 30.0], [11.0, 21.0, 30.0], [12.0, 22.0, 30.0], [13.0, 23.0, 30.0]]
    >>> treated = [15.0, 16.0, 17.0, 12.0]  # half the first two donors, then 6 below
    >>> r = synthetic_control(treated, donors, n_pre=3)
    >>> r.weights.round(6).tolist(), round(r.pre_rmspe, 9), r.gap.round(6).tolist()
    ([0.5, 0.5, 0.0], 0.0, [0.0, 0.0, 0.0, -6.0])
    """
    y1 = np.asarray(treated, dtype=np.float64)
    y0 = np.asarray(donors, dtype=np.float64)
    if y1.ndim != 1 or y0.ndim != 2 or y0.shape[0] != y1.size:
        raise ValueError("treated : (périodes,), donors : (périodes, donneurs)")
    if not 1 <= n_pre <= y1.size:
        raise ValueError("n_pre : entre 1 et le nombre de périodes")
    if not np.all(np.isfinite(y1)):
        raise ValueError("la série de la commune traitée a des valeurs manquantes")
    usable = np.all(np.isfinite(y0), axis=0)
    x1: FloatArray | None = None
    x0: FloatArray | None = None
    if (predictors_treated is None) != (predictors_donors is None):
        raise ValueError("predictors_treated et predictors_donors vont ensemble")
    if predictors_treated is not None and predictors_donors is not None:
        x1 = np.asarray(predictors_treated, dtype=np.float64)
        x0 = np.asarray(predictors_donors, dtype=np.float64)
        if x1.ndim != 1 or x0.shape != (x1.size, y0.shape[1]):
            raise ValueError("predictors_treated : (K,), predictors_donors : (K, donneurs)")
        if not np.all(np.isfinite(x1)):
            raise ValueError("les prédicteurs de la commune traitée ont des valeurs manquantes")
        usable &= np.all(np.isfinite(x0), axis=0)
        x0 = x0[:, usable]
    if not usable.any():
        raise ValueError("aucun donneur n'a de série complète")
    v_in: FloatArray | Literal["optimise"] | None
    if isinstance(v, str):
        if v != "optimise":
            raise ValueError("v : des poids, None ou 'optimise'")
        v_in = "optimise"
    elif v is None:
        v_in = None
    else:
        v_in = np.asarray(v, dtype=np.float64)
        if x1 is None or v_in.shape != x1.shape or np.any(v_in < 0) or not v_in.sum() > 0:
            raise ValueError("v : un poids positif ou nul par prédicteur, pas tous nuls")
    w_used, v_used = _fit_weights(y1, y0[:, usable], n_pre, x1, x0, v_in)
    weights = np.zeros(y0.shape[1])
    weights[usable] = w_used
    synthetic = y0[:, usable] @ w_used
    gap = y1 - synthetic
    pre = _rmspe(gap[:n_pre])
    post = _rmspe(gap[n_pre:])
    ratio = post / pre if pre > 0 else (math.inf if post > 0 else math.nan)
    return SyntheticControlResult(
        weights=weights,
        usable=usable,
        treated=y1,
        synthetic=synthetic,
        gap=gap,
        n_pre=n_pre,
        pre_rmspe=pre,
        post_rmspe=post,
        rmspe_ratio=ratio,
        v=v_used,
    )


Statistic = Literal["relative_post_rmspe", "rmspe_ratio"]


@dataclass(frozen=True)
class PlaceboResult:
    """Synthetic control of the treated unit and of each donor as a placebo.

    ``fit`` the treated unit's result; ``placebo_gaps`` ``(J, T)`` and ``placebo_pre_rmspe``,
    ``placebo_ratio`` ``(J,)`` for each donor refitted as if treated (NaN for a donor left out);
    ``statistic`` the one ranked (see :func:`placebo_test`), ``treated_statistic`` and
    ``placebo_statistic`` its values; ``placebo_ranked`` the placebos ranked (all those fitted
    for ``"rmspe_ratio"``, those fitted within the tolerance for ``"relative_post_rmspe"``);
    ``rank`` of the treated unit's statistic among the ``n_placebos + 1`` units (1 = the
    largest; ties counted against the treated unit), ``p_value`` = rank / (n_placebos + 1);
    ``n_excluded`` the placebos fitted but not ranked.
    """

    fit: SyntheticControlResult
    placebo_gaps: FloatArray
    placebo_pre_rmspe: FloatArray
    placebo_ratio: FloatArray
    rank: int
    n_placebos: int
    p_value: float
    statistic: Statistic = "relative_post_rmspe"
    treated_statistic: float = math.nan
    placebo_statistic: FloatArray | None = None
    placebo_ranked: BoolArray | None = None
    n_excluded: int = 0


def relative_post_rmspe(gap: FloatArray, series: FloatArray, n_pre: int) -> float:
    """The post-period RMSPE over the unit's mean pre-period level (scale-free: communes of
    different rates compare by their relative gaps).

    >>> relative_post_rmspe(np.array([0.0, 0.0, -2.0, 2.0]), np.array([10.0, 10, 8, 12]), 2)
    0.2
    """
    level = float(np.mean(np.abs(series[:n_pre])))
    return _rmspe(gap[n_pre:]) / level if level > 0 else math.nan


def fitted_within(pre_rmspe: npt.ArrayLike, series: npt.ArrayLike, n_pre: int) -> BoolArray:
    """Whether each unit's synthetic control follows it before the start within
    :data:`POOR_FIT` of its mean pre-period level (``series`` ``(T, J)``), the condition of a
    verdict (:func:`check_synthetic_control`)."""
    y = np.asarray(series, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        level = np.mean(np.abs(y[:n_pre]), axis=0)
        return np.asarray(
            (level > 0) & (np.asarray(pre_rmspe, dtype=np.float64) <= POOR_FIT * level),
            dtype=np.bool_,
        )


def placebo_test(
    treated: npt.ArrayLike,
    donors: npt.ArrayLike,
    n_pre: int,
    *,
    predictors_treated: npt.ArrayLike | None = None,
    predictors_donors: npt.ArrayLike | None = None,
    v: npt.ArrayLike | Literal["optimise"] | None = None,
    statistic: Statistic = "relative_post_rmspe",
) -> PlaceboResult:
    """:func:`synthetic_control` of the treated unit, then of each donor in turn (placebos in
    space, the treated unit left out of their pools), and the rank p-value of ``statistic``.
    Other arguments as :func:`synthetic_control`.

    ``"relative_post_rmspe"`` (the default, the verdicts'): the post-period RMSPE over the
    unit's mean pre-period level, ranked among the placebos whose synthetic control follows
    them before the start within :data:`POOR_FIT` (the condition the treated commune's verdict
    needs, :func:`check_synthetic_control`). ``"rmspe_ratio"``: Abadie, Diamond and
    Hainmueller's (2010) post/pre RMSPE ratio among all placebos. On short pre-periods (6 to 8
    years of ~20 donors) the ratio's denominator is an overfitted in-sample error, smaller for
    a commune at the centre of its donors (the treated commune, whose donors are chosen
    similar to it) than for the placebos: 7-8 % significant under the null at 5 %, while the
    relative post-period RMSPE stays under 5 % and is far more powerful (docs/decisions.md,
    bench/calibration.py).

    >>> rng = np.random.default_rng(1)
    >>> donors = 20 + rng.normal(0, 1, (10, 19)).cumsum(axis=0)
    >>> treated = donors[:, :3].mean(axis=1) + np.r_[np.zeros(6), np.full(4, -8.0)]
    >>> r = placebo_test(treated, donors, n_pre=6)
    >>> r.rank, r.n_placebos, round(r.p_value, 3)
    (1, 19, 0.05)
    """
    fit = synthetic_control(
        treated,
        donors,
        n_pre,
        predictors_treated=predictors_treated,
        predictors_donors=predictors_donors,
        v=v,
    )
    y0 = np.asarray(donors, dtype=np.float64)
    x0 = None if predictors_donors is None else np.asarray(predictors_donors, dtype=np.float64)
    n_periods, n_donors = y0.shape
    gaps = np.full((n_donors, n_periods), np.nan)
    pre = np.full(n_donors, np.nan)
    ratio = np.full(n_donors, np.nan)
    index = np.nonzero(fit.usable)[0]
    for j in index:
        others = index[index != j]
        if others.size == 0:
            continue
        placebo = synthetic_control(
            y0[:, j],
            y0[:, others],
            n_pre,
            predictors_treated=None if x0 is None else x0[:, j],
            predictors_donors=None if x0 is None else x0[:, others],
            v=v,
        )
        gaps[j] = placebo.gap
        pre[j] = placebo.pre_rmspe
        ratio[j] = placebo.rmspe_ratio
    fitted = ~np.isnan(pre)
    if statistic == "rmspe_ratio":
        values = ratio
        ranked = ~np.isnan(ratio)
        treated_value = fit.rmspe_ratio
    elif statistic == "relative_post_rmspe":
        with np.errstate(invalid="ignore", divide="ignore"):
            level = np.mean(np.abs(y0[:n_pre]), axis=0)
            values = np.sqrt(np.mean(gaps[:, n_pre:] ** 2, axis=1)) / level
        ranked = fitted & fitted_within(pre, y0, n_pre) & np.isfinite(values)
        treated_value = relative_post_rmspe(fit.gap, fit.treated, n_pre)
    else:
        raise ValueError("statistic : 'relative_post_rmspe' ou 'rmspe_ratio'")
    known = values[ranked]
    rank = 1 + int(np.sum(known >= treated_value))
    return PlaceboResult(
        fit=fit,
        placebo_gaps=gaps,
        placebo_pre_rmspe=pre,
        placebo_ratio=ratio,
        rank=rank,
        n_placebos=int(known.size),
        p_value=rank / (known.size + 1),
        statistic=statistic,
        treated_statistic=float(treated_value),
        placebo_statistic=values,
        placebo_ranked=ranked,
        n_excluded=int(np.sum(fitted & ~ranked)),
    )


LEVEL_FACTOR: Final = 2.0
"""A difference-in-differences compares evolutions of communes whose pre-period rates are
within this factor of each other; beyond, a common trend is implausible."""


@dataclass(frozen=True)
class DesignCheck:
    """Whether a method's conditions hold. ``conclusive`` False with the French ``reasons``
    when they fail (the result is then "non concluant", never "aucun effet"); ``notes`` are
    said beside a conclusion without blocking it."""

    conclusive: bool
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def min_placebos(alpha: float) -> int:
    """Fewest placebos for a rank p-value ``1 / (n + 1)`` to reach ``alpha``: 19 at 5 %.

    >>> min_placebos(0.05), min_placebos(0.1)
    (19, 9)
    """
    return math.ceil(1 / alpha - 1e-9) - 1


def check_synthetic_control(
    result: PlaceboResult,
    *,
    alpha: float = 0.05,
    tolerance: float = POOR_FIT,
    names: list[str] | None = None,
) -> DesignCheck:
    """The synthetic control's conditions: enough placebos for the p-value to reach
    ``alpha``; a pre-period RMSPE within ``tolerance`` of the treated commune's mean pre-period
    rate; a single donor carrying (almost) all the weight is said (``names`` of the donors,
    in their order, to name it)."""
    fit = result.fit
    reasons: list[str] = []
    notes: list[str] = []
    needed = min_placebos(alpha)
    fitted = result.n_placebos + result.n_excluded
    if fitted < needed:
        reasons.append(
            f"{fitted} communes témoins seulement, la p-valeur des placebos ne "
            f"peut pas descendre sous 1/{fitted + 1} "
            f"({number(1 / (fitted + 1), 2)}), il en faut au moins {needed} pour "
            f"le seuil de {number(100 * alpha, 0)} %"
        )
    elif result.n_placebos < needed:
        reasons.append(
            f"{result.n_placebos} communes témoins seulement que leur commune synthétique suit "
            f"avant le début à {number(100 * tolerance, 0)} % près ({result.n_excluded} autres "
            f"écartées), la p-valeur des placebos ne peut pas descendre sous "
            f"1/{result.n_placebos + 1} ({number(1 / (result.n_placebos + 1), 2)}), il en faut "
            f"au moins {needed} pour le seuil de {number(100 * alpha, 0)} %"
        )
    pre_level = float(np.mean(np.abs(fit.treated[: fit.n_pre])))
    if not pre_level > 0 or fit.pre_rmspe > tolerance * pre_level:
        share = fit.pre_rmspe / pre_level if pre_level > 0 else math.inf
        reasons.append(
            f"la commune synthétique suit mal la commune avant le début (écart quadratique "
            f"moyen {number(fit.pre_rmspe, 2)} pour 1 000, "
            + (f"{number(100 * share, 0)} %" if math.isfinite(share) else "un taux nul")
            + f" de son taux moyen ; tolérance {number(100 * tolerance, 0)} %)"
        )
    top = int(np.argmax(fit.weights))
    if fit.weights[top] >= 0.99:
        who = names[top] if names is not None else f"le donneur {top + 1}"
        notes.append(
            f"une seule commune porte tout le poids ({who}, {number(100 * fit.weights[top], 0)} "
            "%), la commune synthétique est cette commune seule"
        )
    return DesignCheck(conclusive=not reasons, reasons=tuple(reasons), notes=tuple(notes))


def check_did(
    result: DidResult,
    pre_trend: PreTrend | None,
    *,
    level_factor: float = LEVEL_FACTOR,
) -> DesignCheck:
    """The difference-in-differences' conditions: comparison communes at a comparable level
    before the start (pooled rates within ``level_factor``) and parallel pre-trends
    (``pre_trend``, :func:`pre_trend_test`; None: not tested, said as a note)."""
    reasons: list[str] = []
    notes: list[str] = []
    t, c = result.rate_treated_pre, result.rate_controls_pre
    if t > 0 and c > 0 and not 1 / level_factor <= t / c <= level_factor:
        factor = t / c if t > c else c / t
        more = "plus" if t > c else "moins"
        reasons.append(
            f"niveaux trop différents, avant le début le taux de la commune "
            f"({number(t, 1)} pour 1 000) est {number(factor, 1)} fois {more} élevé que celui "
            f"des communes de comparaison ({number(c, 1)}) ; tolérance d'un facteur "
            f"{number(level_factor, 0)}"
        )
    if pre_trend is None:
        notes.append("tendances avant le début non testées")
    elif pre_trend.reason:
        notes.append(f"tendances avant le début non testées ({pre_trend.reason})")
    elif not pre_trend.parallel:
        reasons.append(
            f"tendances non parallèles avant le début, la commune s'écartait déjà des "
            f"communes de comparaison ({_p_text(pre_trend.p_value)}, test au seuil de "
            f"{number(100 * pre_trend.alpha, 0)} %)"
        )
    return DesignCheck(conclusive=not reasons, reasons=tuple(reasons), notes=tuple(notes))


def synthetic_control_detectable(
    result: PlaceboResult,
    donors: npt.ArrayLike,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    direction: Literal["decrease", "increase"] = "decrease",
) -> DetectableEffect:
    """The smallest relative effect the placebo test would detect in ``power`` of the placebos
    fitted within the tolerance of :func:`check_synthetic_control`
    (:func:`crimestats.power.placebo_detectable_effect`): each donor refitted as if treated,
    its synthetic series after the start (its rates minus its gaps) as the level an effect
    multiplies; the scale of the statistic its mean pre-period level (the placebos the test
    ranks, for the relative post-period RMSPE) or its pre-period RMSPE (all ranked, power
    counted over those fitted within the tolerance, for the RMSPE ratio)."""
    y0 = np.asarray(donors, dtype=np.float64)
    n_pre = result.fit.n_pre
    gaps = result.placebo_gaps[:, n_pre:]
    level = y0.T[:, n_pre:] - gaps
    if result.statistic == "relative_post_rmspe" and result.placebo_ranked is not None:
        # The placebos the test ranks (fitted within the tolerance), the statistic's scale
        # their mean pre-period level.
        ranked = result.placebo_ranked
        scale = np.mean(np.abs(y0[:n_pre]), axis=0)
        return placebo_detectable_effect(
            gaps[ranked],
            level[ranked],
            scale[ranked],
            treated_statistic=result.treated_statistic,
            alpha=alpha,
            power=power,
            direction=direction,
        )
    # Power over the placebos fitted within the tolerance a verdict needs (check_synthetic_
    # control): a commune no mix of donors follows would get "non concluant", not a verdict.
    eligible = fitted_within(result.placebo_pre_rmspe, y0, n_pre)
    return placebo_detectable_effect(
        gaps,
        level,
        result.placebo_pre_rmspe,
        treated_statistic=result.fit.rmspe_ratio,
        eligible=eligible,
        alpha=alpha,
        power=power,
        direction=direction,
    )


def describe_synthetic_control(
    result: PlaceboResult, *, alpha: float = 0.05, check: DesignCheck | None = None
) -> str:
    """The French conclusion of a placebo test, figures first, for a coordinator.

    The effect is the mean gap after the start (treated minus synthetic, in the unit of the
    series: a rate per 1,000); "significative" means the placebo p-value is at most ``alpha``;
    when the design does not allow a verdict (:func:`check_synthetic_control`, computed when
    ``check`` is not given), "non concluant" and why, never a verdict on the effect
    (with ``n`` placebos it cannot go below ``1 / (n + 1)``: 19 placebos at least for 5 %).

    >>> rng = np.random.default_rng(1)
    >>> donors = 20 + rng.normal(0, 1, (10, 19)).cumsum(axis=0)
    >>> treated = donors[:, :3].mean(axis=1) + np.r_[np.zeros(6), np.full(4, -8.0)]
    >>> describe_synthetic_control(placebo_test(treated, donors, n_pre=6)).split(" : ")[-1]
    'la baisse est significative et plus marquée que dans les communes comparables'
    """
    fit = result.fit
    post = fit.gap[fit.n_pre :]
    if post.size == 0:
        return "comparaison non calculable : aucune période après le début de l'action"
    mean_gap = float(post.mean())
    synthetic_post = float(fit.synthetic[fit.n_pre :].mean())
    relative = f" ({percent_change(mean_gap / synthetic_post)})" if synthetic_post > 0 else ""
    side = "sous" if mean_gap < 0 else "au-dessus de"
    head = (
        f"après le début de l'action, le taux est en moyenne {number(abs(mean_gap), 1)} pour "
        f"1 000 {side} celui de la commune synthétique{relative} ; son écart est dépassé ou égalé "
        f"par {result.rank - 1} des {result.n_placebos} communes témoins "
        + (
            f"bien suivies avant le début ({result.n_excluded} autres écartées ; "
            if result.n_excluded
            else "("
        )
        + f"{_p_text(result.p_value)})"
    )
    if check is None:
        check = check_synthetic_control(result, alpha=alpha)
    if not check.conclusive:
        return f"{head} : {_inconclusive(check)}"
    sign = (mean_gap > 0) - (mean_gap < 0)
    verdict = _verdict(sign, sign, result.p_value <= alpha)
    return f"{head} : {_with_notes(verdict, check)}"
