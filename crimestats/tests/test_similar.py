"""Similar communes: population class, standardised sizes, EPCI kind, département."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from crimestats.similar import population_class, similar_communes

REAL_FILE = (
    "crimestats/tests/data/communes-76_cc-caux-austreberthe_2016-2023_geo2024_extract.parquet"
)


def _features() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": ["A", "B", "C", "D", "E", "F", "G"],
            "population": [3000, 3000, 4500, 3000, 1999, 2000, 3000],
            "dwellings": [1300, 1300, 2000, 1300, 900, None, 1300],
            "epci_type": ["CC", "CC", "CC", "CA", "CC", "CC", "CC"],
            "departement": ["76", "76", "76", "76", "76", "76", "27"],
        }
    )


@pytest.mark.parametrize(
    ("population", "expected"),
    [(1, 0), (1999, 0), (2000, 1), (4999, 1), (5000, 2), (19_999, 3), (50_000, 5), (10**6, 6)],
)
def test_population_classes_follow_insee_brackets(population: int, expected: int) -> None:
    assert population_class(population) == expected


def test_same_class_only_and_penalties_by_hand() -> None:
    out = similar_communes(_features(), "A", k=5)
    # E (1,999) is in another class and is left out while the class has 5 others.
    assert out.get_column("code").to_list() == ["B", "G", "D", "F", "C"]
    distance = dict(zip(out.get_column("code"), out.get_column("distance"), strict=True))
    assert distance["B"] == 0.0
    assert distance["G"] == 0.25  # other département
    assert distance["D"] == 0.5  # other kind of EPCI
    # F: dwellings unknown, so the population difference counts twice, on standardised logs.
    logs = np.log(np.array([3000, 3000, 4500, 3000, 1999, 2000, 3000], dtype=float))
    dp = (math.log(2000) - math.log(3000)) / logs.std()
    assert distance["F"] == pytest.approx(math.sqrt(2) * abs(dp), rel=1e-12)
    # C: both sizes differ.
    dwell = np.log(np.array([1300, 1300, 2000, 1300, 900, 1300], dtype=float))
    dd = (math.log(2000) - math.log(1300)) / dwell.std()
    dp_c = (math.log(4500) - math.log(3000)) / logs.std()
    assert distance["C"] == pytest.approx(math.hypot(dp_c, dd), rel=1e-12)


def test_class_widened_when_too_few_and_ties_by_code() -> None:
    out = similar_communes(_features(), "A", k=6)
    reasons = dict(zip(out.get_column("code"), out.get_column("reasons"), strict=True))
    assert set(reasons) == {"B", "C", "D", "E", "F", "G"}
    assert reasons["E"].startswith("tranche voisine (moins de 2 000 hab.)")
    twins = pl.DataFrame(
        {
            "code": ["Z", "Y", "X", "W"],
            "population": [500] * 4,
            "dwellings": [200] * 4,
            "epci_type": ["CC"] * 4,
            "departement": ["01"] * 4,
        }
    )
    assert similar_communes(twins, "Z", k=3).get_column("code").to_list() == ["W", "X", "Y"]


def test_reasons_in_french() -> None:
    reasons = similar_communes(_features(), "A", k=3).get_column("reasons").to_list()
    assert reasons[1].endswith("autre département (27)")
    assert "intercommunalité CA (ici CC)" in reasons[2]


def test_unknown_commune_and_bad_k_are_refused() -> None:
    with pytest.raises(ValueError, match="inconnue"):
        similar_communes(_features(), "nope")
    with pytest.raises(ValueError):
        similar_communes(_features(), "A", k=0)


def test_real_communes_of_caux_austreberthe() -> None:
    """The 9 communes of the CC Caux - Austreberthe (2023 populations): Pavilly (6,282) has no
    other commune of its class, so the nearest classes are opened; Barentin (12,061) is
    never closer to a commune of about 600 inhabitants than a commune of 1,500 is."""
    pops = (
        pl.read_parquet(REAL_FILE)
        .filter(pl.col("annee") == 23)
        .group_by("CODGEO_2024")
        .agg(pl.col("POP").first())
        .sort("CODGEO_2024")
    )
    features = pops.select(
        pl.col("CODGEO_2024").alias("code"),
        pl.col("POP").alias("population"),
        pl.lit(None, dtype=pl.Int64).alias("dwellings"),
        pl.lit("CC").alias("epci_type"),
        pl.lit("76").alias("departement"),
    )
    out = similar_communes(features, "76495", k=3)
    assert out.get_column("code").to_list()[0] == "76057"  # Barentin, the next class up
    assert out.height == 3
    out = similar_communes(features, "76057", k=8)
    population = dict(features.select("code", "population").iter_rows())
    ranked = [population[c] for c in out.get_column("code")]
    assert ranked == sorted(ranked, reverse=True)
