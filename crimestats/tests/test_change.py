"""Change between two periods: exact conditional test and interval of the rate ratio."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy.stats import binomtest

from crimestats.change import describe_change, poisson_change

REAL_FILE = (
    "crimestats/tests/data/communes-76_cc-caux-austreberthe_2016-2023_geo2024_extract.parquet"
)


def _scipy(k0: int, e0: float, k1: int, e1: float) -> tuple[float, float, float]:
    """p-value and ratio interval from scipy's binomial test on k_after | k_total."""
    test = binomtest(k1, k0 + k1, e1 / (e0 + e1))
    ci = test.proportion_ci(0.95, "exact")
    high = math.inf if ci.high == 1 else ci.high / (1 - ci.high) * e0 / e1
    return test.pvalue, ci.low / (1 - ci.low) * e0 / e1, high


CASES = [
    # (k_before, exposure_before, k_after, exposure_after)
    (20, 1000.0, 30, 1000.0),
    (100, 12061.0, 123, 12061.0),
    (50, 3000.0, 45, 2500.0),
    (0, 417.0, 4, 417.0),
    (7, 700.0, 0, 720.0),
    (3, 1000.0, 9, 3000.0),  # k_after == p0 * n: p = 1
    (1, 2.0, 1, 3.0),
    (250, 40_000.0, 180, 41_000.0),
    (1200, 1.0, 1400, 1.3),
    (5, 1.0, 17, 1.0),
]


def test_p_value_equals_scipy_binomtest_exactly() -> None:
    k0, e0, k1, e1 = (np.array(c, dtype=np.float64) for c in zip(*CASES, strict=True))
    result = poisson_change(k0, e0, k1, e1)
    for i, (a, b, c, d) in enumerate(CASES):
        expected_p, _, _ = _scipy(a, b, c, d)
        assert result.p_value[i] == expected_p, (CASES[i], result.p_value[i], expected_p)


def test_ratio_interval_is_clopper_pearson_scaled_by_exposures() -> None:
    k0, e0, k1, e1 = (np.array(c, dtype=np.float64) for c in zip(*CASES, strict=True))
    result = poisson_change(k0, e0, k1, e1)
    for i, case in enumerate(CASES):
        _, low, high = _scipy(*case)
        assert result.ratio_low[i] == pytest.approx(low, rel=1e-9, abs=1e-12)
        assert result.ratio_high[i] == pytest.approx(high, rel=1e-9)


def test_known_answer_equal_exposures() -> None:
    """20 then 30 facts on 1,000 inhabitants: p = 2 * P(X >= 30 | 50, 1/2) = 0.2026 (tables)."""
    result = poisson_change(20, 1000, 30, 1000)
    assert (result.rate_before, result.rate_after, result.ratio) == (20.0, 30.0, 1.5)
    tail = sum(math.comb(50, j) for j in range(30, 51)) / 2**50
    assert result.p_value == pytest.approx(2 * tail, rel=1e-12)
    assert result.p_value == pytest.approx(0.2026, abs=1e-4)


def test_no_fact_before_gives_infinite_ratio_and_exact_test() -> None:
    result = poisson_change(0, 1000, 8, 1000)
    assert math.isinf(result.ratio) and math.isinf(result.ratio_high)
    assert result.p_value == pytest.approx(2 * 0.5**8, rel=1e-12)


def test_suppressed_or_missing_exposure_gives_nan_never_zero() -> None:
    result = poisson_change(
        [np.nan, 10, 10, 0], [1000, 1000, np.nan, 1000], [5, np.nan, 5, 0], 1000
    )
    for field in ("ratio", "ratio_low", "ratio_high", "p_value"):
        assert np.isnan(getattr(result, field)).all(), field
    assert np.isnan(result.rate_before[0]) and np.isnan(result.rate_after[1])
    assert result.rate_before[3] == 0.0


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        poisson_change([-1], [1], [1], [1])
    with pytest.raises(ValueError):
        poisson_change([1.5], [1], [1], [1])
    with pytest.raises(ValueError):
        poisson_change([1], [1], [1], [1], alpha=0)


def test_broadcasts_a_scalar_exposure() -> None:
    result = poisson_change([10, 20], 500, [15, 10], 500)
    assert result.ratio.tolist() == [1.5, 0.5]


def test_description_in_french_with_decimal_comma() -> None:
    result = poisson_change([100, 100, 200], 1, [123, 140, 80], 1, alpha=0.1)
    # scipy: binomtest(123, 223).proportion_ci(0.9) -> ratio -2.26 % to +54.99 %.
    assert describe_change(result, 0) == (
        "hausse de 23 % (IC 90 % : -2 % à +55 %), évolution non significative (p = 0,14)"
    )
    assert describe_change(result, 1).startswith("hausse de 40 % (IC 90 % : +12 % à")
    assert describe_change(result, 1).endswith("significative (p = 0,01)")
    assert describe_change(result, 2).startswith("baisse de 60 %")
    assert describe_change(result, 2).endswith("significative (p < 0,001)")


def test_real_commune_burglaries_2016_against_2023() -> None:
    """The communes of the CC Caux - Austreberthe: every published pair equals scipy's test,
    and a suppressed year gives no verdict."""
    df = pl.read_parquet(REAL_FILE).filter(pl.col("classe") == "Cambriolages de logement")
    wide = (
        df.filter(pl.col("annee").is_in([16, 23]))
        .pivot(on="annee", index="CODGEO_2024", values=["faits", "POP"])
        .sort("CODGEO_2024")
    )
    k0 = wide.get_column("faits_16").to_numpy()
    k1 = wide.get_column("faits_23").to_numpy()
    result = poisson_change(
        k0, wide.get_column("POP_16").to_numpy(), k1, wide.get_column("POP_23").to_numpy()
    )
    both = ~np.isnan(k0) & ~np.isnan(k1)
    assert both.any() and not both.all()
    assert np.isnan(result.p_value[~both]).all()
    pop0 = wide.get_column("POP_16").to_numpy()
    pop1 = wide.get_column("POP_23").to_numpy()
    for i in np.flatnonzero(both):
        expected, low, _ = _scipy(int(k0[i]), float(pop0[i]), int(k1[i]), float(pop1[i]))
        assert result.p_value[i] == expected
        assert result.ratio_low[i] == pytest.approx(low, rel=1e-9)


def test_quasi_poisson_change_equals_statsmodels_with_the_given_scale() -> None:
    """Counts 90 and 60 over equal exposures, dispersion 2.5 estimated on 5 df: the log ratio,
    its standard error and the t test equal statsmodels' Poisson GLM of the two years with
    scale fixed at 2.5; a dispersion at or below 1 keeps the exact test."""
    import warnings

    import statsmodels.api as sm
    from scipy.stats import t as student

    exog = np.array([[1.0, 0.0], [1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two cells, two parameters: df 0, a perfect fit
        fit = sm.GLM([90.0, 60.0], exog, family=sm.families.Poisson()).fit(scale=2.5)
    coef, se = float(fit.params[1]), float(fit.bse[1])
    r = poisson_change([90], [1], [60], [1], dispersion=2.5, dispersion_df=5)
    assert math.log(float(r.ratio[0])) == pytest.approx(coef, rel=1e-9)
    assert float(r.p_value[0]) == pytest.approx(2 * student.sf(abs(coef) / se, 5), rel=1e-6)
    q = student.ppf(0.975, 5)
    assert float(r.ratio_low[0]) == pytest.approx(math.exp(coef - q * se), rel=1e-6)
    assert float(r.ratio_high[0]) == pytest.approx(math.exp(coef + q * se), rel=1e-6)
    assert r.dispersion is not None and float(r.dispersion[0]) == 2.5
    exact = poisson_change([90], [1], [60], [1])
    same = poisson_change([90], [1], [60], [1], dispersion=0.8, dispersion_df=5)
    assert float(same.p_value[0]) == float(exact.p_value[0])
    assert same.dispersion is not None and float(same.dispersion[0]) == 1.0


def test_quasi_poisson_change_is_calibrated_on_overdispersed_series() -> None:
    """2,000 series of 500 facts a year with a gamma year factor of CV 0.1: the exact test
    calls 40 % of them significant without any change; with the dispersion estimated on 7
    years of history (quasi-Poisson trend, 5 df) at most 5 % plus 4 simulation errors."""
    from crimestats.trend import quasi_poisson_trend

    rng = np.random.default_rng(21)
    means = 500 * rng.gamma(100, 1 / 100, (2000, 8))
    counts = rng.poisson(means).astype(float)
    exact = poisson_change(counts[:, 6], 1, counts[:, 7], 1)
    assert np.mean(exact.p_value < 0.05) > 0.3
    phi = quasi_poisson_trend(counts[:, :7], 1.0, np.arange(7)).dispersion
    quasi = poisson_change(counts[:, 6], 1, counts[:, 7], 1, dispersion=phi, dispersion_df=5)
    assert np.mean(quasi.p_value < 0.05) <= 0.05 + 4 * math.sqrt(0.05 * 0.95 / 2000)
