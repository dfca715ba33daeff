"""The stored layout of values (stspd.observatory.blocks): what is packed is what is read."""

import numpy as np
import polars as pl
import pytest

from stspd.observatory.blocks import BlockError, decode, encode

LAYOUT = {
    "geo_code": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    "state": pl.String,
    "count": pl.Int64,
    "population": pl.Int64,
    "dwellings": pl.Int64,
    "rate_per_1000": pl.Float64,
}
UNITS = {
    "Vols de véhicule": ("Véhicule", "inhabitants"),
    "Cambriolages": ("Infraction", "dwellings"),
}


def values(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=LAYOUT, orient="row")


def stored(frame: pl.DataFrame, level: str, **filters: object) -> pl.DataFrame:
    """Encode, then decode as the database gives the blocks back (edition 7)."""
    rows = [
        (7, block.indicator, *UNITS[block.indicator], block.size, block.codes, *block.arrays)
        for block in encode(frame, level)
    ]
    return decode(rows, **filters)  # type: ignore[arg-type]


def national_like(seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    codes = ["01001", "01002", "2A004", "2B033", "75056", "97101", "97411", "97502"]
    rows = []
    for code in codes:
        for year in range(2016, 2025):
            population = None if rng.random() < 0.1 else int(rng.integers(1, 2_000_000))
            for label in UNITS:
                draw = rng.random()
                if draw < 0.4:
                    rows.append((code, year, label, "suppressed", None, population, None, None))
                elif draw < 0.6:
                    rows.append((code, year, label, "zero", 0, population, 12, 0.0))
                else:
                    count = int(rng.integers(1, 100_000))
                    rows.append((code, year, label, "published", count, population, 9, 0.1 * count))
    return values(rows).sample(fraction=1.0, shuffle=True, seed=seed)


def test_every_value_comes_back_with_its_state_and_nulls() -> None:
    frame = national_like()
    back = stored(frame, "commune")
    keys = ["geo_code", "year", "indicator"]
    assert back.select(list(LAYOUT)).sort(keys).equals(frame.sort(keys))
    assert set(back.get_column("edition_id")) == {7}
    assert back.filter(pl.col("indicator") == "Cambriolages").get_column(
        "denominator_kind"
    ).unique().to_list() == ["dwellings"]
    # A suppressed value has no count and no rate: never 0.
    suppressed = back.filter(pl.col("state") == "suppressed")
    assert suppressed.get_column("count").null_count() == suppressed.height > 0
    assert suppressed.get_column("rate_per_1000").null_count() == suppressed.height


def test_one_block_per_indicator_and_departement() -> None:
    blocks = encode(national_like(), "commune")
    assert sorted((b.indicator, b.area) for b in blocks) == sorted(
        (label, area) for label in UNITS for area in ["01", "2A", "2B", "75", "971", "974", "975"]
    )
    corsica = next(b for b in blocks if b.area == "2A" and b.indicator == "Cambriolages")
    assert (corsica.codes, corsica.size, corsica.first_year, corsica.last_year) == (
        "2A004",
        9,
        2016,
        2024,
    )
    departements = encode(
        national_like().with_columns(geo_code=pl.col("geo_code").str.slice(0, 3)), "departement"
    )
    assert {b.area for b in departements} == {"010", "2A0", "2B0", "750", "971", "974", "975"}


def test_a_lower_bound_comes_back_as_at_least_its_count() -> None:
    """A merged commune with a suppressed part is "au moins" its count, 0 included."""
    frame = values(
        [
            ("76455", 2022, "Cambriolages", "lower_bound", 0, 2400, None, None),
            ("76455", 2023, "Cambriolages", "lower_bound", 3, 2400, None, None),
            ("76455", 2023, "Vols de véhicule", "suppressed", None, 2400, None, None),
        ]
    )
    back = stored(frame, "commune").select(list(LAYOUT)).sort("year", "indicator")
    assert back.equals(frame)


def test_reading_some_territories_and_one_year() -> None:
    frame = national_like()
    back = stored(frame, "commune", codes=["2B033", "97411", "99999"], year=2020)
    expected = frame.filter(pl.col("geo_code").is_in(["2B033", "97411"]), pl.col("year") == 2020)
    keys = ["geo_code", "indicator"]
    assert back.select(list(LAYOUT)).sort(keys).equals(expected.sort(keys))
    assert stored(frame, "commune", codes=[]).is_empty()
    assert decode([]).is_empty()


@pytest.mark.parametrize(
    "row",
    [
        ("76540", 2023, "Cambriolages", "suppressed", 0, 10, None, None),  # a suppressed zero
        ("76540", 2023, "Cambriolages", "suppressed", None, 10, None, 1.5),  # with a rate
        ("76540", 2023, "Cambriolages", "zero", 3, 10, None, None),
        ("76540", 2023, "Cambriolages", "published", 0, 10, None, None),
        ("76540", 2023, "Cambriolages", "published", None, 10, None, None),
        ("76540", 2023, "Cambriolages", "published", 3_000_000_000, 10, None, None),
        ("76540", 2023, "Cambriolages", "lower_bound", None, 10, None, None),  # no count
        ("76540", 2023, "Cambriolages", "lower_bound", 4, 10, None, 0.4),  # with a rate
        ("76540", 2023, "Cambriolages", "estimated", 4, 10, None, None),  # no such state
        ("76540", 2023, "Cambriolages", None, 4, 10, None, None),
    ],
)
def test_a_value_that_breaks_the_rules_is_never_packed(row: tuple[object, ...]) -> None:
    with pytest.raises(BlockError):
        encode(values([row]), "commune")
