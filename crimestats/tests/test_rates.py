"""Garwood intervals and rates per 1,000."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from crimestats.rates import (
    add_rates,
    garwood_interval,
    rate_per_1000,
    rate_ratio,
    rate_with_interval,
    standardised_ratio,
)


def test_garwood_known_answers() -> None:
    low, high = garwood_interval([0, 10])
    assert low[0] == 0.0
    assert high[0] == pytest.approx(3.689, abs=5e-4)
    assert low[1] == pytest.approx(4.795, abs=5e-4)
    assert high[1] == pytest.approx(18.39, abs=5e-3)


def test_garwood_known_answers_for_one_and_a_large_count() -> None:
    low, high = garwood_interval([1, 100])
    assert (low[0], high[0]) == (pytest.approx(0.0253, abs=1e-4), pytest.approx(5.572, abs=1e-3))
    assert (low[1], high[1]) == (pytest.approx(81.36, abs=1e-2), pytest.approx(121.63, abs=1e-2))


def test_garwood_narrower_at_90_percent() -> None:
    low95, high95 = garwood_interval([10])
    low90, high90 = garwood_interval([10], alpha=0.10)
    assert low95[0] < low90[0] < 10 < high90[0] < high95[0]


def test_suppressed_count_gives_missing_interval_not_zero() -> None:
    low, high = garwood_interval([np.nan, 0])
    assert math.isnan(low[0]) and math.isnan(high[0])
    assert low[1] == 0.0
    rate, rlow, rhigh = rate_with_interval([np.nan], [1000])
    assert all(math.isnan(x[0]) for x in (rate, rlow, rhigh))


def test_rate_per_1000_and_undefined_denominator() -> None:
    rates = rate_per_1000([10, 10, 10], [2000, 0, np.nan])
    assert rates[0] == 5.0
    assert math.isnan(rates[1]) and math.isnan(rates[2])


def test_rate_interval_scales_the_count_interval() -> None:
    rate, low, high = rate_with_interval([10], [5000])
    assert rate[0] == 2.0
    assert low[0] == pytest.approx(4.795 / 5, abs=1e-4)
    assert high[0] == pytest.approx(18.39 / 5, abs=1e-3)


def test_negative_or_fractional_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        garwood_interval([-1])
    with pytest.raises(ValueError):
        rate_per_1000([1.5], [100])
    with pytest.raises(ValueError):
        garwood_interval([1], alpha=1.5)


def test_add_rates_uses_dwellings_for_burglary_and_keeps_suppressed_null() -> None:
    frame = pl.DataFrame(
        {
            "count": [12, None, 0],
            "denominator_kind": ["dwellings", "inhabitants", "inhabitants"],
            "population": [3000, 3000, 3000],
            "dwellings": [1200, 1200, 1200],
        },
        schema_overrides={"count": pl.Int64},
    )
    out = add_rates(frame)
    assert out.get_column("rate").to_list() == [10.0, None, 0.0]
    assert out.get_column("rate_low").to_list()[1] is None
    assert out.get_column("rate_high").to_list()[2] == pytest.approx(3.689 / 3, abs=1e-3)


def test_standardised_ratio_treats_the_reference_as_known() -> None:
    ratio, low, high = standardised_ratio([10, np.nan], [1000, 1000], [5.0, 5.0])
    assert ratio[0] == 2.0
    assert low[0] == pytest.approx(4.795 / 5, abs=1e-4)
    assert high[0] == pytest.approx(18.39 / 5, abs=1e-3)
    assert math.isnan(ratio[1])


def test_rate_ratio_of_two_independent_areas() -> None:
    ratio, low, high = rate_ratio([20, 0], [1000, 1000], [10, 10], [1000, 2000])
    assert ratio[0] == 2.0
    assert low[0] < 1 < 2 < high[0]
    assert (ratio[1], low[1]) == (0.0, 0.0)
    # Equal rates: the interval contains 1 and is symmetric on the log scale.
    ratio, low, high = rate_ratio([50], [1000], [50], [1000])
    assert ratio[0] == 1.0
    assert math.log(high[0]) == pytest.approx(-math.log(low[0]), rel=1e-9)


def test_rate_ratio_matches_scipy_exact_binomial_interval() -> None:
    from scipy.stats import binomtest

    ci = binomtest(20, 30).proportion_ci(0.95, "exact")
    _, low, high = rate_ratio([20], [1000], [10], [1000])
    assert low[0] == pytest.approx(ci.low / (1 - ci.low), rel=1e-9)
    assert high[0] == pytest.approx(ci.high / (1 - ci.high), rel=1e-9)
