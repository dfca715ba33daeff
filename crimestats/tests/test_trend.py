"""Quasi-Poisson trend and Mann-Kendall, checked against statsmodels and pymannkendall."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pymannkendall
import pytest
import statsmodels.api as sm

from crimestats.trend import mann_kendall, quasi_poisson_trend

REAL_FILE = (
    "crimestats/tests/data/communes-76_cc-caux-austreberthe_2016-2023_geo2024_extract.parquet"
)
NAN = math.nan
YEARS = np.arange(2016, 2024, dtype=np.float64)

SERIES = np.array(
    [
        [33, 41, 28, 52, 47, 60, 58, 71],  # over-dispersed rise
        [12, 9, 14, 11, 10, 13, 12, 11],  # flat, under-dispersed: the floor matters
        [5, NAN, 7, NAN, 3, 9, NAN, 12],  # suppressed years
        [0, 2, 0, 1, 0, 0, 3, 1],  # zero years inside the series
        [120, 98, 143, 80, 101, 95, 60, 77],  # fall
        [NAN, NAN, 4, 0, 6, NAN, NAN, 2],  # four points, one zero
    ]
)
EXPOSURES = np.array(
    [
        [12061, 12100, 12150, 12180, 12200, 12190, 12250, 12300],
        [1773] * 8,
        [6282, 6290, 6300, 6310, 6320, 6330, 6340, 6350],
        [417, 420, 419, 421, 425, 430, 428, 431],
        [30_000] * 8,
        [979] * 8,
    ],
    dtype=np.float64,
)


def _statsmodels(y: np.ndarray, e: np.ndarray, scale: str | float) -> object:
    keep = ~np.isnan(y)
    x = sm.add_constant(YEARS[keep] - YEARS.mean())
    model = sm.GLM(y[keep], x, family=sm.families.Poisson(), offset=np.log(e[keep]))
    if isinstance(scale, float):
        # With a fixed scale statsmodels stops its iterations earlier (4 instead of 6 on the
        # first series), a few 1e-6 from the optimum: ask it to converge fully.
        return model.fit(scale=scale, use_t=True, tol=1e-13)
    return model.fit(scale=scale, use_t=True)


def test_unfloored_fit_equals_statsmodels_quasi_poisson() -> None:
    result = quasi_poisson_trend(SERIES, EXPOSURES, YEARS, floor_dispersion=False)
    assert result.reason.tolist() == ["ok"] * len(SERIES)
    for i, (y, e) in enumerate(zip(SERIES, EXPOSURES, strict=True)):
        fit = _statsmodels(y, e, "X2")
        low, high = fit.conf_int(0.05)[1]
        assert result.slope[i] == pytest.approx(fit.params[1], rel=1e-6)
        assert result.intercept[i] == pytest.approx(fit.params[0], rel=1e-6)
        assert result.slope_se[i] == pytest.approx(fit.bse[1], rel=1e-6)
        assert result.p_value[i] == pytest.approx(fit.pvalues[1], rel=1e-6)
        assert result.dispersion[i] == pytest.approx(fit.scale, rel=1e-6)
        assert result.annual_ratio[i] == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
        assert result.ratio_low[i] == pytest.approx(math.exp(low), rel=1e-6)
        assert result.ratio_high[i] == pytest.approx(math.exp(high), rel=1e-6)
        assert result.n_points[i] == (~np.isnan(y)).sum()


def test_floored_dispersion_equals_statsmodels_with_scale_at_least_one() -> None:
    result = quasi_poisson_trend(SERIES, EXPOSURES, YEARS)
    assert result.scale[1] == 1.0 and result.dispersion[1] < 1  # the flat series
    assert result.scale[0] == result.dispersion[0] > 1
    for i, (y, e) in enumerate(zip(SERIES, EXPOSURES, strict=True)):
        phi = _statsmodels(y, e, "X2").scale
        fit = _statsmodels(y, e, max(1.0, phi))
        assert result.slope_se[i] == pytest.approx(fit.bse[1], rel=1e-6)
        assert result.p_value[i] == pytest.approx(fit.pvalues[1], rel=1e-6)


def test_hand_checked_constant_rate_has_ratio_one() -> None:
    """Same rate every year: slope 0 exactly, annual ratio 1, p-value 1."""
    result = quasi_poisson_trend([[10, 20, 30, 40]], [[1000, 2000, 3000, 4000]], [1, 2, 3, 4])
    assert result.annual_ratio[0] == pytest.approx(1.0, abs=1e-12)
    assert result.p_value[0] == pytest.approx(1.0, abs=1e-9)
    assert result.intercept[0] == pytest.approx(math.log(0.01), abs=1e-12)


def test_edge_cases_are_flagged_not_fitted() -> None:
    series = [
        [0, 0, 0, 0, 0],  # all zero
        [0, 0, 0, 0, 4],  # every fact in the last year: the slope runs to infinity
        [7, 0, 0, 0, 0],  # every fact in the first year
        [1, NAN, NAN, NAN, 3],  # two points
        [0, NAN, 3, NAN, 0],  # facts in the middle year only: a finite fit exists
        [NAN, 0, 0, 2, NAN],  # the last usable year carries the facts
    ]
    result = quasi_poisson_trend(series, 500, [1, 2, 3, 4, 5])
    assert result.reason.tolist() == [
        "all_zero",
        "no_finite_estimate",
        "no_finite_estimate",
        "too_few_points",
        "ok",
        "no_finite_estimate",
    ]
    assert np.isnan(result.annual_ratio[[0, 1, 2, 3, 5]]).all()
    assert result.annual_ratio[4] == pytest.approx(1.0, abs=1e-9)
    assert result.n_points.tolist() == [5, 5, 5, 2, 3, 3]


def test_suppressed_is_not_zero() -> None:
    """Replacing the suppressed years by 0 would change the trend: they must be left out."""
    with_nan = quasi_poisson_trend([[5, NAN, 7, NAN, 9]], 1000, [1, 2, 3, 4, 5])
    dropped = quasi_poisson_trend([[5, 7, 9]], 1000, [1, 3, 5])
    as_zero = quasi_poisson_trend([[5, 0, 7, 0, 9]], 1000, [1, 2, 3, 4, 5])
    assert with_nan.slope[0] == pytest.approx(dropped.slope[0], rel=1e-12)
    assert with_nan.slope[0] != pytest.approx(as_zero.slope[0], rel=1e-3)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        quasi_poisson_trend([[1, 2, -3]], 1, [1, 2, 3])
    with pytest.raises(ValueError):
        quasi_poisson_trend([[1, 2, 3]], 1, [1, 2])


MK_SERIES = np.array(
    [
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [3, 3, 3, 2, 2, 5, 5, 5, 5, 1],  # ties
        [4, NAN, 6, 6, NAN, 8, 7, NAN, 9, 9],  # NaN and ties
        [10, 9, 11, 8, 12, 7, 13, 6, 14, 5],
        [0, 0, 0, 1, 0, 0, 2, 0, 0, 0],  # many ties at zero
        [NAN, NAN, NAN, NAN, 5, 4, 3, 2, 1, 0],
        [2.5, 1.25, 7.0, 7.0, 7.0, 7.0, 3.5, 0.5, 9.0, 2.0],
    ]
)


def test_mann_kendall_equals_pymannkendall() -> None:
    result = mann_kendall(MK_SERIES)
    for i, row in enumerate(MK_SERIES):
        expected = pymannkendall.original_test(row)
        assert result.s[i] == expected.s
        assert result.var_s[i] == pytest.approx(expected.var_s, rel=1e-12)
        assert result.z[i] == pytest.approx(expected.z, rel=1e-12, abs=1e-15)
        assert result.p_value[i] == pytest.approx(expected.p, rel=1e-9)
        assert result.tau[i] == pytest.approx(expected.Tau, rel=1e-12)
        assert result.slope[i] == pytest.approx(expected.slope, rel=1e-12, abs=1e-15)
        assert result.n_points[i] == (~np.isnan(row)).sum()


def test_mann_kendall_hand_checked() -> None:
    """1..5: S = 10 (all 10 pairs rise), var = 5*4*15/18, z = 9/sqrt(var), slope 1."""
    result = mann_kendall([[1, 2, 3, 4, 5]])
    assert result.s[0] == 10
    assert result.var_s[0] == pytest.approx(300 / 18)
    assert result.z[0] == pytest.approx(9 / math.sqrt(300 / 18))
    assert result.slope[0] == 1.0


def test_mann_kendall_needs_three_points() -> None:
    result = mann_kendall([[1, NAN, NAN, 2], [NAN] * 4])
    assert np.isnan(result.p_value).all() and np.isnan(result.slope).all()
    assert result.n_points.tolist() == [2, 0]


def test_real_communes_all_indicators() -> None:
    """Every commune x indicator series of the CC Caux - Austreberthe: statsmodels and
    pymannkendall agree wherever a fit exists."""
    df = pl.read_parquet(REAL_FILE)
    wide = df.pivot(
        on="annee", index=["CODGEO_2024", "classe"], values="faits", sort_columns=True
    ).sort("CODGEO_2024", "classe")
    pops = df.pivot(on="annee", index=["CODGEO_2024", "classe"], values="POP", sort_columns=True)
    pops = wide.select("CODGEO_2024", "classe").join(pops, on=["CODGEO_2024", "classe"])
    columns = [str(y) for y in range(16, 24)]
    counts = wide.select(columns).to_numpy().astype(np.float64)
    exposures = pops.select(columns).to_numpy().astype(np.float64)
    trend = quasi_poisson_trend(counts, exposures, YEARS, floor_dispersion=False)
    mk = mann_kendall(counts)
    fitted = np.flatnonzero(trend.reason == "ok")
    assert 20 < len(fitted) < len(counts)
    assert (trend.reason == "too_few_points").any()
    for i in fitted:
        fit = _statsmodels(counts[i], exposures[i], "X2")
        assert trend.slope[i] == pytest.approx(fit.params[1], rel=1e-6)
        assert trend.p_value[i] == pytest.approx(fit.pvalues[1], rel=1e-6)
    for i in np.flatnonzero(mk.n_points >= 3):
        expected = pymannkendall.original_test(counts[i])
        assert mk.p_value[i] == pytest.approx(expected.p, rel=1e-9)
        assert mk.slope[i] == pytest.approx(expected.slope, rel=1e-12, abs=1e-15)
