"""Funnel plot: exact Poisson limits with Spiegelhalter's interpolation."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy.stats import poisson

from crimestats.funnel import funnel, funnel_curve, poisson_limit
from crimestats.ssmsi import read_ssmsi

DEP_FILE = (
    "crimestats/tests/data/"
    "ssmsi_dep_donnee-dep-data.gouv-2024-geographie2025-produit-le2025-06-04.csv.gz"
)


def _brute_force_limit(p: float, lam: float) -> float:
    """Walk the Poisson distribution one count at a time, written apart from the module (from
    12 standard deviations below the mean for large means, where exp(-lam) underflows)."""
    if lam == 0:
        return 0.0
    r = max(0, math.floor(lam - 12 * math.sqrt(lam)))
    pmf = math.exp(r * math.log(lam) - lam - math.lgamma(r + 1))
    cdf_before, cdf = 0.0, float(poisson.cdf(r, lam))
    while cdf < p:
        r += 1
        pmf *= lam / r
        cdf_before, cdf = cdf, cdf + pmf
    return max(0.0, r - (cdf - p) / (cdf - cdf_before))


def test_hand_checked_limits_for_ten_expected_facts() -> None:
    """lam = 10: F(16) = 0.97296, F(17) = 0.98572, so the 97.5 % limit is
    17 - (0.98572 - 0.975) / 0.01276 = 16.160; F(3) = 0.01034, F(4) = 0.02925, so the 2.5 %
    limit is 4 - (0.02925 - 0.025) / 0.01891 = 3.775."""
    assert poisson_limit(0.975, [10.0])[0] == pytest.approx(16.160, abs=2e-3)
    assert poisson_limit(0.025, [10.0])[0] == pytest.approx(3.775, abs=2e-3)


@pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
def test_limits_equal_a_brute_force_walk(p: float) -> None:
    lams = [0.0, 0.004, 0.3, 1.0, 2.5, 7.2, 10.0, 33.3, 150.0, 612.7]
    ours = poisson_limit(p, lams)
    for lam, value in zip(lams, ours, strict=True):
        assert value == pytest.approx(_brute_force_limit(p, lam), rel=1e-9, abs=1e-9), lam


def test_limits_are_smooth_and_ordered() -> None:
    lams = np.linspace(0.5, 60, 500)
    low998, low95 = poisson_limit(0.001, lams), poisson_limit(0.025, lams)
    high95, high998 = poisson_limit(0.975, lams), poisson_limit(0.999, lams)
    assert (low998 <= low95).all() and (low95 < lams).all()
    assert (lams < high95).all() and (high95 < high998).all()
    assert np.max(np.diff(high95)) < 0.5  # no step of a whole fact


def test_target_excludes_suppressed_and_flags() -> None:
    counts = [30, 5, np.nan, 2, 12, 4]
    denominators = [1000, 1000, 500, 1000, 1000, np.nan]
    result = funnel(counts, denominators)
    assert result.target_rate == pytest.approx((30 + 5 + 2 + 12) / 4000 * 1000)
    assert (result.n_published, result.n_suppressed) == (4, 1)
    assert result.flag.tolist() == [
        "above_99.8",
        "below_95",
        "suppressed",
        "below_99.8",
        "within",
        "no_denominator",
    ]
    assert math.isnan(result.rate[2])
    # Limits exist for the suppressed commune (it has a population), not for the other.
    assert not np.isnan(result.upper[:, 2]).any() and np.isnan(result.upper[:, 5]).all()


def test_flags_follow_the_limits() -> None:
    """A commune of 1,000 at a target of 10 per 1,000: 95 % limits 3.775 and 16.16 facts."""
    denominators = [1000.0] * 5 + [1e9]
    counts = [16, 17, 4, 3, 10, 1e7]  # the last one fixes the target at 10 per 1,000
    result = funnel(counts, denominators, levels=(0.95,))
    assert result.target_rate == pytest.approx(10.0, rel=1e-6)
    assert result.flag.tolist()[:5] == ["within", "above_95", "within", "below_95", "within"]


def test_a_given_reference_rate_is_the_target() -> None:
    """France's rate as the target: a commune of 1,000 at 10 per 1,000 expects 10 facts, 95 %
    limits 3.775 and 16.16 facts (as above), whatever the other communes' pooled rate."""
    counts = [16, 17, 4, 3, 40, np.nan]
    denominators = [1000.0] * 6
    result = funnel(counts, denominators, levels=(0.95,), target_rate=10.0)
    assert result.target_rate == 10.0
    assert result.expected[:5] == pytest.approx([10.0] * 5)
    assert result.flag.tolist() == [
        "within",
        "above_95",
        "within",
        "below_95",
        "above_95",
        "suppressed",
    ]
    pooled = funnel(counts, denominators, levels=(0.95,))
    assert pooled.target_rate == pytest.approx(80 / 5000 * 1000)
    for bad in (float("nan"), -1.0, float("inf")):
        with pytest.raises(ValueError):
            funnel(counts, denominators, target_rate=bad)


def test_curve_matches_the_commune_limits() -> None:
    curve = funnel_curve(12.0, 200, 50_000, n=50)
    assert curve.upper.shape == (2, 50)
    expected = [
        _brute_force_limit(0.999, 12.0 / 1000 * d) / d * 1000 for d in curve.denominators[::7]
    ]
    assert curve.upper[1, ::7] == pytest.approx(expected, rel=1e-9)
    assert (curve.lower[0] < 12.0).all() and (curve.upper[0] > 12.0).all()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        funnel([1, 2], [1])
    with pytest.raises(ValueError):
        funnel([1.5], [10])
    with pytest.raises(ValueError):
        funnel([1], [10], levels=(1.2,))
    with pytest.raises(ValueError):
        funnel_curve(1.0, 10, 5)


def test_real_departements_burglary_2024() -> None:
    """The 101 départements' burglaries in 2024 (never suppressed): the limits equal the brute
    force and large départements far from the target are flagged at 99.8 %."""
    data = read_ssmsi(DEP_FILE).data.filter(
        (pl.col("indicator") == "Cambriolages de logement") & (pl.col("year") == 2024)
    )
    counts = data.get_column("count").cast(pl.Float64).to_numpy()
    dwellings = data.get_column("dwellings").cast(pl.Float64).to_numpy()
    result = funnel(counts, dwellings)
    assert result.n_published == len(counts) > 90 and result.n_suppressed == 0
    assert result.target_rate == pytest.approx(counts.sum() / dwellings.sum() * 1000)
    for i in range(0, len(counts), 10):
        lam = result.target_rate / 1000 * dwellings[i]
        assert result.upper[1, i] == pytest.approx(
            _brute_force_limit(0.999, lam) / dwellings[i] * 1000, rel=1e-9
        )
    flags = set(result.flag.tolist())
    assert {"above_99.8", "below_99.8"} <= flags


def test_quantile_equals_scipy_poisson_ppf() -> None:
    from scipy.stats import poisson

    from crimestats.funnel import _poisson_quantile

    lams = np.concatenate(
        [np.random.default_rng(3).lognormal(1, 2, 5000), [0.0, 1e-9, 0.5, 1e6, np.nan]]
    )
    for p in (0.001, 0.025, 0.975, 0.999):
        assert np.array_equal(_poisson_quantile(p, lams), poisson.ppf(p, lams), equal_nan=True)
