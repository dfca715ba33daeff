"""Rates per 1,000 with exact Poisson (Garwood) confidence intervals.

A recorded count ``k`` is treated as a Poisson variable. The exact interval of Garwood (1936,
"Fiducial limits for the Poisson distribution", Biometrika 28, 437-442) at level ``1 - alpha``:

- lower = chi2.ppf(alpha / 2, 2k) / 2, and 0 when k = 0;
- upper = chi2.ppf(1 - alpha / 2, 2k + 2) / 2.

At 95 %: k = 0 gives [0, 3.689], k = 10 gives [4.795, 18.39]. The rate and its bounds are the
count bounds divided by the denominator (inhabitants, or dwellings for burglary) times 1,000.

A suppressed count (``NaN`` in arrays, null in frames) gives a missing rate and a missing
interval, never 0: statistical secrecy hides the value, it does not make it small.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.stats import beta, chi2

__all__ = [
    "PER",
    "add_rates",
    "garwood_interval",
    "rate_per_1000",
    "rate_ratio",
    "rate_with_interval",
    "standardised_ratio",
]

PER: Final = 1000.0
"""Rates are per 1,000 inhabitants (or dwellings), as SSMSI publishes them."""

FloatArray = npt.NDArray[np.float64]


def _counts(counts: npt.ArrayLike) -> FloatArray:
    k = np.asarray(counts, dtype=np.float64)
    if (
        k.size
        and not np.isnan(k).all()
        and (np.nanmin(k) < 0 or np.nanmax(k - np.floor(k)) > 0 or np.nanmax(k) == np.inf)
    ):
        raise ValueError("les nombres doivent être des entiers positifs ou nuls (NaN si secret)")
    return k


def _alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha doit être dans ]0, 1[, reçu {alpha}")


def garwood_interval(counts: npt.ArrayLike, alpha: float = 0.05) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson interval of each count; ``NaN`` (suppressed) stays ``NaN``.

    >>> low, high = garwood_interval([0, 10])
    >>> [round(float(x), 3) for x in low], [round(float(x), 2) for x in high]
    ([0.0, 4.795], [3.69, 18.39])
    """
    _alpha(alpha)
    k = _counts(counts)
    known = ~np.isnan(k)
    if not known.any():
        return np.full(k.shape, np.nan), np.full(k.shape, np.nan)
    # Counts repeat a lot (millions of cells, a few thousand distinct counts): the quantiles are
    # computed once per count and looked up, a suppressed cell pointing at a final NaN slot.
    top = int(np.nanmax(k))
    if top < 4 * k.size:
        values = np.arange(top + 1, dtype=np.float64)
        index = np.fmin(k, top + 1).astype(np.intp)  # fmin(NaN, top + 1) = top + 1
    else:
        distinct, inverse = np.unique(k[known], return_inverse=True)
        values = distinct
        index = np.full(k.shape, values.size, dtype=np.intp)
        index[known] = inverse.ravel()
    low_table = np.where(values > 0, chi2.ppf(alpha / 2, 2 * np.maximum(values, 1)) / 2, 0.0)
    high_table = chi2.ppf(1 - alpha / 2, 2 * values + 2) / 2
    lower = np.append(low_table, np.nan)[index]
    upper = np.append(high_table, np.nan)[index]
    return lower.astype(np.float64), upper.astype(np.float64)


def _denominators(denominators: npt.ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    d = np.broadcast_to(np.asarray(denominators, dtype=np.float64), shape)
    # A rate on no inhabitant is undefined, not infinite.
    return np.where(d > 0, d, np.nan)


def rate_per_1000(counts: npt.ArrayLike, denominators: npt.ArrayLike) -> FloatArray:
    """Count per 1,000 of the denominator; ``NaN`` when the count is suppressed or the
    denominator missing or zero.

    >>> rate_per_1000([5, float("nan")], [2000, 2000]).tolist()
    [2.5, nan]
    """
    k = _counts(counts)
    d = _denominators(denominators, k.shape)
    return np.asarray(k / d * PER, dtype=np.float64)


def rate_with_interval(
    counts: npt.ArrayLike, denominators: npt.ArrayLike, alpha: float = 0.05
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rate per 1,000 and its exact Garwood interval: ``(rate, lower, upper)``."""
    k = _counts(counts)
    d = _denominators(denominators, k.shape)
    lower, upper = garwood_interval(k, alpha)
    return k / d * PER, lower / d * PER, upper / d * PER


def standardised_ratio(
    counts: npt.ArrayLike,
    denominators: npt.ArrayLike,
    reference_rates: npt.ArrayLike,
    alpha: float = 0.05,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Ratio of a territory's rate to a reference rate per 1,000, with an exact interval.

    The reference (the département, France) is taken as known: the expected count is
    ``denominator * reference_rate / 1000`` and the interval is Garwood's on the observed count
    divided by the expected one (the usual standardised-ratio method). Returns
    ``(ratio, lower, upper)``, ``NaN`` where the count is suppressed or the reference missing.

    >>> ratio, low, high = standardised_ratio([10], [1000], [5.0])
    >>> round(float(ratio[0]), 2), round(float(low[0]), 3), round(float(high[0]), 2)
    (2.0, 0.959, 3.68)
    """
    k = _counts(counts)
    d = _denominators(denominators, k.shape)
    ref = np.broadcast_to(np.asarray(reference_rates, dtype=np.float64), k.shape)
    expected = d * np.where(ref > 0, ref, np.nan) / PER
    lower, upper = garwood_interval(k, alpha)
    return k / expected, lower / expected, upper / expected


def rate_ratio(
    counts: npt.ArrayLike,
    denominators: npt.ArrayLike,
    other_counts: npt.ArrayLike,
    other_denominators: npt.ArrayLike,
    alpha: float = 0.05,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Ratio of two independent Poisson rates with the exact conditional interval.

    Given both counts, ``k1`` follows a binomial of ``k1 + k2`` trials; the Clopper-Pearson
    interval of its proportion ``p`` gives the ratio ``p / (1 - p) * d2 / d1`` (Armitage,
    Berry and Matthews, "Statistical Methods in Medical Research", 4th ed., 5.3). Use it for two
    disjoint territories, or a territory and the rest of its département.

    >>> r, low, high = rate_ratio([20], [1000], [10], [1000])
    >>> round(float(r[0]), 1), round(float(low[0]), 3), round(float(high[0]), 3)
    (2.0, 0.894, 4.785)
    """
    _alpha(alpha)
    k1 = _counts(counts)
    k2 = np.broadcast_to(_counts(other_counts), k1.shape)
    d1 = _denominators(denominators, k1.shape)
    d2 = _denominators(other_denominators, k1.shape)
    n = k1 + k2
    with np.errstate(invalid="ignore", divide="ignore"):
        p_low = np.where(k1 > 0, beta.ppf(alpha / 2, k1, k2 + 1), 0.0)
        p_high = np.where(k2 > 0, beta.ppf(1 - alpha / 2, k1 + 1, k2), 1.0)
        scale = d2 / d1
        ratio = (k1 / d1) / np.where(k2 > 0, k2 / d2, np.nan)
        lower = p_low / (1 - p_low) * scale
        upper = np.where(p_high < 1, p_high / (1 - p_high), np.inf) * scale
    undefined = np.isnan(n) | (n == 0)
    return (
        np.where(undefined, np.nan, ratio),
        np.where(undefined, np.nan, lower),
        np.where(undefined, np.nan, upper),
    )


def add_rates(df: pl.DataFrame, alpha: float = 0.05) -> pl.DataFrame:
    """Add ``rate``, ``rate_low`` and ``rate_high`` (Float64, null when not computable).

    ``df`` has ``count`` (null when suppressed), ``denominator_kind`` ("inhabitants" or
    "dwellings"), ``population`` and ``dwellings``, as :func:`crimestats.ssmsi.read_ssmsi`
    returns. The denominator is the dwellings for burglary, the inhabitants otherwise.
    """
    denominator = (
        pl.when(pl.col("denominator_kind") == "dwellings")
        .then(pl.col("dwellings"))
        .otherwise(pl.col("population"))
    )
    parts = df.select(
        count=pl.col("count").cast(pl.Float64),
        denominator=denominator.cast(pl.Float64),
    )
    rate, low, high = rate_with_interval(
        parts.get_column("count").to_numpy(),
        parts.get_column("denominator").to_numpy(),
        alpha,
    )
    return df.with_columns(
        pl.Series("rate", rate, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_low", low, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_high", high, dtype=pl.Float64).fill_nan(None),
    )
