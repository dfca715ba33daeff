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


# Overdispersion (Spiegelhalter 2005, section 3.4), recomputed apart from the module.


def _burglary_2024() -> tuple[np.ndarray, np.ndarray]:
    data = read_ssmsi(DEP_FILE).data.filter(
        (pl.col("indicator") == "Cambriolages de logement") & (pl.col("year") == 2024)
    )
    counts = data.get_column("count").cast(pl.Float64).to_numpy()
    dwellings = data.get_column("dwellings").cast(pl.Float64).to_numpy()
    return counts, dwellings


def _phi_by_hand(counts: np.ndarray, expected: np.ndarray, fraction: float) -> float:
    """Winsorise with scipy.stats.mstats.winsorize (the ``int(n * fraction)`` most extreme at
    each end set to the next one), then the mean of the squares."""
    from scipy.stats.mstats import winsorize

    z = (counts - expected) / np.sqrt(expected)
    zw = np.asarray(winsorize(z, limits=(fraction, fraction)))
    return float(np.sum(zw**2) / z.size)


def test_hand_worked_overdispersion_on_twenty_communes() -> None:
    """20 communes of 1,000 inhabitants at 10 per 1,000: 10 expected facts each. Counts 4 and
    16 alternately: z = -+6 / sqrt(10), z^2 = 3.6 for all (winsorising changes nothing as the
    two values are also the 10 % and 90 % ones): phi = 3.6. Weights w = 1,000 / 0.01 = 1e5:
    sum w = 2e6, sum w^2 / sum w = 1e5, tau^2 = (20 * 3.6 - 19) / 1.9e6 = 2.78947e-5.
    The 95 % limits of a commune (Poisson: 3.775 and 16.160 facts) move away from 10 by
    sqrt(3.6): 10 - 6.225 * 1.897367 = -1.811 -> 0 and 10 + 6.160 * 1.897367 = 21.688; the
    additive ones are 0.01 +- 1.959964 * sqrt(1e-5 + 2.78947e-5)."""
    counts = np.array([4.0, 16.0] * 10)
    d = np.full(20, 1000.0)
    m = funnel(counts, d, levels=(0.95,), target_rate=10.0, overdispersion="multiplicative")
    assert m.overdispersion is not None
    assert m.overdispersion.phi == pytest.approx(3.6, rel=1e-12)
    assert m.overdispersion.tau2 == pytest.approx(53 / 1.9e6, rel=1e-12)
    assert m.overdispersion_applied == "multiplicative"
    assert m.lower[0, 0] == 0.0
    assert m.upper[0, 0] == pytest.approx((10 + 6.160 * math.sqrt(3.6)), abs=5e-3)
    assert set(m.flag.tolist()) == {"within"}
    plain = funnel(counts, d, levels=(0.95,), target_rate=10.0)
    assert plain.overdispersion is None and plain.overdispersion_applied == "none"
    assert set(plain.flag.tolist()) == {"within"}  # 4 and 16 lie inside 3.775 - 16.160
    a = funnel(counts, d, levels=(0.95,), target_rate=10.0, overdispersion="additive")
    spread = 1.959964 * math.sqrt(1e-5 + 53 / 1.9e6) * 1000
    assert a.overdispersion_applied == "additive"
    assert a.upper[0, 0] == pytest.approx(10 + spread, rel=1e-6)
    assert a.lower[0, 0] == pytest.approx(max(0.0, 10 - spread), abs=1e-9)


def test_overdispersion_of_the_departements_recomputed_by_hand() -> None:
    """The 101 départements' burglaries, 2024: phi from scipy's winsorize, the chi-square test,
    DerSimonian-Laird's tau^2 and both kinds of limits, all recomputed here."""
    from scipy.stats import chi2

    counts, dwellings = _burglary_2024()
    target = counts.sum() / dwellings.sum()
    expected = target * dwellings
    phi = _phi_by_hand(counts, expected, 0.1)
    assert phi > 10  # départements differ far beyond Poisson chance
    result = funnel(counts, dwellings, overdispersion="multiplicative")
    od = result.overdispersion
    assert od is not None and od.n_units == counts.size
    assert od.phi == pytest.approx(phi, rel=1e-12)
    assert od.phi_p_value == pytest.approx(chi2.sf(counts.size * phi, counts.size), rel=1e-9)
    w = dwellings / target
    tau2 = (counts.size * phi - (counts.size - 1)) / (w.sum() - (w**2).sum() / w.sum())
    assert od.tau2 == pytest.approx(tau2, rel=1e-12)
    for i in range(0, counts.size, 9):
        lam = expected[i]
        for row, p in ((0, 0.975), (1, 0.999)):
            high = lam + math.sqrt(phi) * (_brute_force_limit(p, lam) - lam)
            assert result.upper[row, i] == pytest.approx(high / dwellings[i] * 1000, rel=1e-9)
            low = max(0.0, lam - math.sqrt(phi) * (lam - _brute_force_limit(1 - p, lam)))
            assert result.lower[row, i] == pytest.approx(low / dwellings[i] * 1000, rel=1e-9)
    additive = funnel(counts, dwellings, overdispersion="additive", levels=(0.95,))
    for i in range(0, counts.size, 9):
        spread = 1.959963985 * math.sqrt(target / dwellings[i] + tau2)
        assert additive.upper[0, i] == pytest.approx((target + spread) * 1000, rel=1e-8)
    # Far fewer départements flagged than with pure Poisson limits.
    poisson_out = np.mean(funnel(counts, dwellings).flag != "within")
    inflated_out = np.mean(result.flag != "within")
    assert poisson_out > 0.5 and inflated_out < poisson_out / 2
    # The curve drawn with the same factor matches a département's limits.
    curve = funnel_curve(result.target_rate, dwellings[0], dwellings[0] * 2, n=2, phi=od.phi)
    assert curve.upper[:, 0] == pytest.approx(result.upper[:, 0], rel=1e-9)


def test_too_few_communes_keep_poisson_limits_and_say_why() -> None:
    counts = [30.0, 5.0, 12.0] * 6  # 18 communes
    result = funnel(counts, [1000.0] * 18, overdispersion="multiplicative")
    assert result.overdispersion is not None and math.isnan(result.overdispersion.phi)
    assert result.overdispersion_applied == "none"
    assert "18 communes" in result.overdispersion.reason
    assert "au moins 20" in result.overdispersion.reason
    assert np.array_equal(result.upper, funnel(counts, [1000.0] * 18).upper)
    with pytest.raises(ValueError):
        funnel(counts, [1000.0] * 18, overdispersion="beaucoup")  # type: ignore[arg-type]


def test_no_inflation_when_phi_is_at_most_one() -> None:
    """Counts equal to the expectation: z = 0, phi = 0, the limits stay Poisson."""
    counts = [10.0] * 25
    result = funnel(counts, [1000.0] * 25, overdispersion="multiplicative")
    assert result.overdispersion is not None and result.overdispersion.phi == 0.0
    assert result.overdispersion_applied == "none"
    assert result.upper[0, 0] == pytest.approx(16.160, abs=2e-3)


def test_calibration_of_overdispersed_limits() -> None:
    """400 communes of 2,000 to 60,000 inhabitants at 10 per 1,000, counts with a variance 3
    times their mean (negative binomial: the quasi-Poisson model the multiplicative factor
    assumes), 20 replications (8,000 communes; 4 binomial simulation errors as tolerance).

    - pure Poisson limits: P(|Z| > 1.96 / sqrt(3)) = 26 % outside the 95 % limits;
    - phi estimated without winsorising: 5 % outside;
    - phi from 10 %-winsorised z-scores (Spiegelhalter's default): winsorising a standard normal
      at its 10 % and 90 % quantiles c = 1.2816 leaves a mean square of
      1 - 0.2 - 2 c pdf(c) + 0.2 c^2 = 0.6787, so the limits sit at 1.96 sqrt(0.6787) standard
      deviations: 10.6 % outside. The price of robustness to the outliers looked for, said in
      the README's calibration table."""
    from scipy.stats import norm

    rng = np.random.default_rng(2005)
    outside: dict[str, list[float]] = {"poisson": [], "raw": [], "winsorised": []}
    for _ in range(20):
        d = rng.uniform(2_000, 60_000, 400)
        counts = rng.negative_binomial(0.01 * d / 2, 1 / 3).astype(float)
        for name, method, fraction in (
            ("poisson", "none", 0.1),
            ("raw", "multiplicative", 0.0),
            ("winsorised", "multiplicative", 0.1),
        ):
            result = funnel(
                counts,
                d,
                levels=(0.95,),
                target_rate=10.0,
                overdispersion=method,  # type: ignore[arg-type]
                winsor=fraction,
            )
            outside[name].append(float(np.mean(result.flag != "within")))
    c = float(norm.ppf(0.9))
    mean_square = 1 - 0.2 - 2 * c * float(norm.pdf(c)) + 0.2 * c * c
    assert mean_square == pytest.approx(0.6787, abs=1e-4)
    for name, expected in (
        ("poisson", 2 * norm.sf(1.959964 / math.sqrt(3))),
        ("raw", 0.05),
        ("winsorised", 2 * norm.sf(1.959964 * math.sqrt(mean_square))),
    ):
        tolerance = 4 * math.sqrt(expected * (1 - expected) / 8000)
        assert abs(np.mean(outside[name]) - expected) < tolerance, (name, outside[name])
