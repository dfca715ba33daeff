"""Aggregation of communes into a territory and comparisons with a reference."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from crimestats.aggregate import (
    AggregationError,
    aggregate_territory,
    check_members,
    compare_with_reference,
    national_reference,
    sum_indicators,
)
from crimestats.labels import canonical_label, indicator
from crimestats.ssmsi import OUTPUT_SCHEMA

DATA = Path(__file__).parent / "data"
BURGLARY = "Cambriolages de logement"
ARMED = "Vols avec armes"
VIOLENT = "Vols violents sans arme"


def rows(*values: tuple[str, str, int | None, str]) -> pl.DataFrame:
    """Commune rows for 2024: (code, indicator, count, state); 1,000 inhabitants, 400 dwellings."""
    return pl.DataFrame(
        [
            {
                "geo_level": "commune",
                "geo_code": code,
                "year": 2024,
                "indicator": label,
                "unit": indicator(label).unit,
                "denominator_kind": indicator(label).denominator,
                "count": count,
                "state": state,
                "population": 1000,
                "dwellings": 400,
                "rate_per_1000": None,
            }
            for code, label, count, state in values
        ],
        schema=OUTPUT_SCHEMA,
    )


def test_complete_territory_sums_its_communes() -> None:
    data = rows(("76001", BURGLARY, 3, "published"), ("76002", BURGLARY, 0, "zero"))
    result = aggregate_territory(data, ["76001", "76002"], territory_code="EPCI1").row(
        0, named=True
    )
    assert (result["count"], result["complete"], result["n_suppressed"]) == (3, True, 0)
    assert (result["geo_level"], result["geo_code"], result["dwellings"]) == (
        "territoire",
        "EPCI1",
        800,
    )
    assert result["rate"] == pytest.approx(3 / 800 * 1000)
    assert result["rate_high"] is not None


def test_suppressed_member_makes_a_flagged_lower_bound_never_a_zero() -> None:
    data = rows(
        ("76001", BURGLARY, 12, "published"),
        ("76002", BURGLARY, None, "suppressed"),
        ("76003", BURGLARY, None, "suppressed"),
    )
    result = aggregate_territory(data, ["76001", "76002", "76003"], territory_code="T").row(
        0, named=True
    )
    assert result["count"] == 12
    assert result["complete"] is False
    assert (result["n_suppressed"], result["n_published"], result["n_members"]) == (2, 1, 3)
    assert result["rate_high"] is None
    assert result["rate_low"] is not None


def test_a_member_known_only_as_a_lower_bound_makes_the_total_one() -> None:
    # A commune merged since the file's geography, one of its parts suppressed: "au moins" 4.
    data = rows(("76001", BURGLARY, 12, "published"), ("76455", BURGLARY, 4, "lower_bound"))
    result = aggregate_territory(data, ["76001", "76455"], territory_code="T").row(0, named=True)
    assert (result["count"], result["complete"], result["rate_high"]) == (16, False, None)
    assert (result["n_suppressed"], result["n_published"]) == (1, 1)
    alone = aggregate_territory(data, ["76455"], territory_code="T").row(0, named=True)
    assert (alone["count"], alone["complete"], alone["n_suppressed"]) == (4, False, 1)


def test_all_members_suppressed_gives_no_count() -> None:
    data = rows(("76002", ARMED, None, "suppressed"))
    result = aggregate_territory(data, ["76002"], territory_code="T").row(0, named=True)
    assert result["count"] is None and result["rate"] is None and result["complete"] is False


def test_member_without_a_row_is_unknown_not_zero() -> None:
    data = rows(("76001", BURGLARY, 5, "published"), ("76002", ARMED, 1, "published"))
    result = aggregate_territory(data, ["76001", "76002"], territory_code="T")
    burglary = result.filter(pl.col("indicator") == BURGLARY).row(0, named=True)
    assert (burglary["count"], burglary["n_missing"], burglary["complete"]) == (5, 1, False)
    # Its dwellings are known from its other row, so the denominator is still complete.
    assert burglary["dwellings"] == 800


def test_city_and_its_arrondissements_are_refused() -> None:
    for city, part in (("75056", "75112"), ("69123", "69383"), ("13055", "13201")):
        with pytest.raises(AggregationError, match=f"{city}.*{part}"):
            check_members([city, part])
    data = rows(("69123", BURGLARY, 500, "published"), ("69381", BURGLARY, 50, "published"))
    with pytest.raises(AggregationError, match="Lyon"):
        aggregate_territory(data, ["69381", "69123"], territory_code="T")
    assert check_members(["69381", "69382"]) == ["69381", "69382"]


def test_duplicate_member_is_refused() -> None:
    with pytest.raises(AggregationError, match="76001"):
        check_members(["76001", "76002", "76001"])


def test_only_communes_are_aggregated() -> None:
    data = rows(("76", BURGLARY, 5, "published")).with_columns(geo_level=pl.lit("departement"))
    with pytest.raises(AggregationError, match="communes"):
        aggregate_territory(data, ["76"], territory_code="T")


def test_indicators_of_the_same_unit_add_and_others_are_refused() -> None:
    data = rows(
        ("76001", ARMED, 2, "published"),
        ("76001", VIOLENT, 5, "published"),
        ("76001", "Violences sexuelles", 4, "published"),
    )
    robbery = sum_indicators(data, [ARMED, VIOLENT], label="Vols avec violence").row(0, named=True)
    assert (robbery["count"], robbery["unit"], robbery["complete"]) == (7, "infraction", True)
    with pytest.raises(AggregationError, match="unités de compte différentes"):
        sum_indicators(data, [ARMED, "Violences sexuelles"], label="x")
    with pytest.raises(AggregationError, match="unités de compte différentes"):
        sum_indicators(
            data.with_columns(denominator_kind=pl.lit("x")).vstack(data), [ARMED], label="x"
        )


def test_drug_totals_are_flagged_as_possible_overcounts() -> None:
    data = rows(("76001", "Trafic de stupéfiants", 2, "published"))
    result = aggregate_territory(data, ["76001"], territory_code="T").row(0, named=True)
    assert result["may_overcount"] is True


def test_comparison_with_the_departement() -> None:
    territory = aggregate_territory(
        rows(("76001", BURGLARY, 10, "published")), ["76001"], territory_code="T"
    )
    departement = rows(("76", BURGLARY, 2000, "published")).with_columns(
        geo_level=pl.lit("departement"), dwellings=pl.lit(800_000, pl.Int64)
    )
    row = compare_with_reference(territory, departement).row(0, named=True)
    assert row["reference_rate"] == pytest.approx(2.5)
    assert row["ratio"] == pytest.approx(25.0 / 2.5)
    # Expected count: 400 dwellings x 2.5 per 1,000 = 1, so the interval is Garwood's for 10.
    assert row["ratio_low"] == pytest.approx(4.795, abs=1e-3)
    assert row["ratio_high"] == pytest.approx(18.39, abs=1e-2)


def test_comparison_of_an_incomplete_territory_is_a_lower_bound() -> None:
    territory = aggregate_territory(
        rows(("76001", BURGLARY, 10, "published"), ("76002", BURGLARY, None, "suppressed")),
        ["76001", "76002"],
        territory_code="T",
    )
    reference = rows(("76", BURGLARY, 2000, "published"))
    row = compare_with_reference(territory, reference).row(0, named=True)
    assert row["ratio"] is not None and row["ratio_high"] is None


def test_comparison_of_a_suppressed_commune_is_empty() -> None:
    commune = rows(("76002", BURGLARY, None, "suppressed"))
    row = compare_with_reference(commune, rows(("76", BURGLARY, 2000, "published"))).row(
        0, named=True
    )
    assert row["ratio"] is None and row["ratio_low"] is None


def test_national_reference_sums_departements() -> None:
    deps = rows(("01", BURGLARY, 10, "published"), ("02", BURGLARY, 30, "published"))
    france = national_reference(deps).row(0, named=True)
    assert (france["geo_code"], france["count"], france["dwellings"]) == ("FR", 40, 800)


def real_epci() -> pl.DataFrame:
    """The 9 communes of the CC Caux - Austreberthe, July-2024 edition (null = not published)."""
    raw = pl.read_parquet(
        DATA / "communes-76_cc-caux-austreberthe_2016-2023_geo2024_extract.parquet"
    )
    labels = {label: canonical_label(label) for label in raw.get_column("classe").unique()}
    return raw.select(
        geo_level=pl.lit("commune"),
        geo_code=pl.col("CODGEO_2024"),
        year=(pl.col("annee") + 2000).cast(pl.Int32),
        indicator=pl.col("classe").replace_strict(labels),
        unit=pl.col("classe").replace_strict({k: indicator(v).unit for k, v in labels.items()}),
        denominator_kind=pl.col("classe").replace_strict(
            {k: indicator(v).denominator for k, v in labels.items()}
        ),
        count=pl.col("faits").cast(pl.Int64),
        state=pl.when(pl.col("faits").is_null())
        .then(pl.lit("suppressed"))
        .when(pl.col("faits") == 0)
        .then(pl.lit("zero"))
        .otherwise(pl.lit("published")),
        population=pl.col("POP").cast(pl.Int64),
        dwellings=pl.lit(None, pl.Int64),
        rate_per_1000=pl.lit(None, pl.Float64),
    )


def test_real_epci_totals_count_only_published_members() -> None:
    communes = real_epci()
    members = communes.get_column("geo_code").unique().sort().to_list()
    assert len(members) == 9
    result = aggregate_territory(communes, members, territory_code="247600646")
    assert result.height == 14 * 8
    by_key = {(r["indicator"], r["year"]): r for r in result.iter_rows(named=True)}
    for (label, year), group in communes.group_by("indicator", "year"):
        cells = group.get_column("count").to_list()
        published = [c for c in cells if c is not None]
        total = by_key[(label, year)]
        assert total["n_suppressed"] == len(cells) - len(published)
        assert total["complete"] is (len(published) == len(cells))
        assert total["count"] == (sum(published) if published else None)
        assert total["population"] == group.get_column("population").sum()
    assert not all(r["complete"] for r in by_key.values())
