"""Similar communes on context (poverty, income, social housing, QPV): distances checked
against the formula written out here, apart from the module."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
import pytest

from crimestats.similar import similar_communes

CODES = ["76001", "76002", "76003", "76004", "76005"]


def features(**context: list[object]) -> pl.DataFrame:
    base = {
        "code": CODES,
        "population": [5000] * 5,  # one size: only the context separates them
        "dwellings": [None] * 5,
        "epci_type": ["CA"] * 5,
        "departement": ["76"] * 5,
    }
    return pl.DataFrame(base | context, schema_overrides={"dwellings": pl.Int64})


def z(values: list[float | None]) -> list[float | None]:
    known = [v for v in values if v is not None]
    mean = sum(known) / len(known)
    spread = math.sqrt(sum((v - mean) ** 2 for v in known) / len(known))
    return [None if v is None else (v - mean) / spread for v in values]


def test_without_context_equal_sizes_are_ordered_by_code() -> None:
    chosen = similar_communes(features(), "76001", k=4)
    assert chosen.get_column("code").to_list() == ["76002", "76003", "76004", "76005"]
    assert chosen.get_column("distance").to_list() == [0.0] * 4


def test_the_context_distance_is_the_root_of_the_standardised_squared_differences() -> None:
    poverty = [30.0, 29.0, 10.0, 31.0, 12.0]
    housing = [40.0, 5.0, 42.0, 38.0, 0.0]
    qpv = [True, False, True, True, False]
    chosen = similar_communes(
        features(poverty_rate=poverty, social_housing_rate=housing, qpv=qpv), "76001", k=4
    )
    zp, zh = z(poverty), z(housing)
    expected = {
        code: math.sqrt(
            (zp[i] - zp[0]) ** 2 + (zh[i] - zh[0]) ** 2 + (float(qpv[i]) - float(qpv[0])) ** 2
        )
        for i, code in enumerate(CODES)
        if i
    }
    got = dict(chosen.select("code", "distance").iter_rows())
    assert got == pytest.approx(expected, rel=1e-12)
    # 76004 (31 %, 38 %, QPV) is the twin; 76005 (12 %, 0 %, no QPV) the farthest.
    assert chosen.get_column("code").to_list()[0] == "76004"
    assert chosen.get_column("code").to_list()[-1] == "76005"
    reasons = chosen.get_column("reasons")[0].replace("\u202f", " ")
    assert "pauvreté 31 % (ici 30 %)" in reasons
    assert "QPV oui (ici oui)" in reasons


def test_an_unknown_context_value_counts_as_the_mean_of_the_pairs_known_ones() -> None:
    poverty = [30.0, None, 10.0, 31.0, 12.0]
    housing = [40.0, 5.0, 42.0, 38.0, 0.0]
    chosen = similar_communes(
        features(poverty_rate=poverty, social_housing_rate=housing), "76001", k=4
    )
    zp, zh = z(poverty), z(housing)
    known = (zh[1] - zh[0]) ** 2  # 76002: only the housing difference is known
    got = dict(chosen.select("code", "distance").iter_rows())
    assert got["76002"] == pytest.approx(math.sqrt(known + known), rel=1e-12)
    assert got["76003"] == pytest.approx(
        math.sqrt((zp[2] - zp[0]) ** 2 + (zh[2] - zh[0]) ** 2), rel=1e-12
    )


def test_the_median_income_is_compared_on_a_log_scale() -> None:
    income = [20000.0, 40000.0, 10000.0, 20000.0, 80000.0]
    chosen = similar_communes(features(median_income=income), "76001", k=4)
    logs = z([math.log(v) for v in income])
    got = dict(chosen.select("code", "distance").iter_rows())
    # Doubling and halving the income are equally far.
    assert got["76002"] == pytest.approx(got["76003"], rel=1e-12)
    assert got["76002"] == pytest.approx(abs(logs[1] - logs[0]), rel=1e-12)
    assert got["76004"] == 0.0


def test_context_is_weighed_with_size_not_instead_of_it() -> None:
    frame = features(poverty_rate=[30.0, 30.0, 30.0, 12.0, 12.0]).with_columns(
        population=pl.Series([5000, 9000, 5100, 5000, 5100])
    )
    chosen = similar_communes(frame, "76001", k=4)
    log_pop = z([math.log(p) for p in [5000, 9000, 5100, 5000, 5100]])
    zp = z([30.0, 30.0, 30.0, 12.0, 12.0])
    got = dict(chosen.select("code", "distance").iter_rows())
    for i, code in enumerate(CODES[1:], start=1):
        size = 2 * (log_pop[i] - log_pop[0]) ** 2  # no dwellings: population twice
        assert got[code] == pytest.approx(math.sqrt(size + (zp[i] - zp[0]) ** 2), rel=1e-12)
    assert np.isfinite(list(got.values())).all()


def test_a_context_pool_is_balanced_where_a_population_only_pool_is_not() -> None:
    """200 communes of 8,000 to 12,000 inhabitants, half of them poor (25 to 35 % of poverty),
    half not (5 to 15 %), poverty independent of size. The commune of 10,000 at 30 %: its 20
    nearest on population alone are poor and not poor alike (standardised difference of
    poverty about -1), its 20 nearest on context are poor as it is (within 0.25)."""
    from crimestats.similar import balance

    rng = np.random.default_rng(20)
    n = 200
    poor = np.arange(n) % 2 == 0
    frame = pl.DataFrame(
        {
            "code": ["76000", *(f"76{i:03d}" for i in range(1, n + 1))],
            "population": [10_000, *rng.integers(8_000, 12_001, n).tolist()],
            "dwellings": [None] * (n + 1),
            "epci_type": ["CA"] * (n + 1),
            "departement": ["76"] * (n + 1),
            "poverty_rate": [
                30.0,
                *np.where(poor, rng.uniform(25, 35, n), rng.uniform(5, 15, n)).tolist(),
            ],
        },
        schema_overrides={"dwellings": pl.Int64},
    )
    population_only = similar_communes(frame.drop("poverty_rate"), "76000", k=20)
    with_context = similar_communes(frame, "76000", k=20)

    def poverty_row(chosen: pl.DataFrame) -> Any:
        rows = balance(frame, "76000", chosen.get_column("code").to_list())
        return next(row for row in rows if row.variable == "poverty_rate")

    biased, balanced = poverty_row(population_only), poverty_row(with_context)
    # The candidates' mean and spread, computed here from the frame itself.
    others = frame.filter(pl.col("code") != "76000").get_column("poverty_rate").to_numpy()
    assert biased.before == pytest.approx(others.mean())
    assert biased.difference_before == pytest.approx((others.mean() - 30) / others.std(ddof=1))
    assert biased.difference_after is not None and biased.difference_after < -0.5
    assert balanced.difference_after is not None and abs(balanced.difference_after) < 0.25
    population = balance(frame, "76000", with_context.get_column("code").to_list())[0]
    assert population.variable == "population" and population.known_after == 20
