"""The reader on real SSMSI département files (copies in ``tests/data``)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from crimestats.labels import V2_LABELS
from crimestats.ssmsi import ParsedFile, read_ssmsi

DATA = Path(__file__).parent / "data"
FEB_2023 = DATA / "ssmsi_dep_donnee-dep-data.gouv-2022-geographie2022-produit-le2023-02-09.csv.gz"
JUL_2023 = DATA / "ssmsi_dep_donnee-dep-data.gouv-2022-geographie2023-produit-le2023-07-17.csv.gz"
JUN_2025 = DATA / "ssmsi_dep_donnee-dep-data.gouv-2024-geographie2025-produit-le2025-06-04.csv.gz"


def published_rates(path: Path) -> pl.Series:
    """The rate column exactly as written in the file, as text."""
    raw = pl.read_csv(gzip.decompress(path.read_bytes()), separator=";", infer_schema=False)
    return raw.get_column(
        raw.columns[-1] if "tauxpourmille" in raw.columns[-1] else "taux_pour_mille"
    )


def test_february_2023_v1_file_with_bom_and_decimal_comma() -> None:
    parsed = read_ssmsi(FEB_2023)
    assert (parsed.schema_version, parsed.geo_level, parsed.cog_year) == (1, "departement", 2022)
    assert parsed.production_date == date(2023, 2, 9)
    assert parsed.data.height == 8484
    first = parsed.data.row(0, named=True)
    assert first == {
        "geo_level": "departement",
        "geo_code": "01",
        "year": 2016,
        "indicator": "Coups et blessures volontaires",
        "unit": "victime",
        "denominator_kind": "inhabitants",
        "count": 1437,
        "state": "published",
        "population": 638425,
        "dwellings": 308491,
        "rate_per_1000": 2.25085170536868073,
    }
    assert sorted(parsed.data.get_column("year").unique().to_list()) == list(range(2016, 2023))
    assert parsed.data.get_column("geo_code").n_unique() == 101


def test_july_2023_resaved_file_has_its_codes_padded() -> None:
    parsed = read_ssmsi(JUL_2023)
    codes = set(parsed.data.get_column("geo_code").to_list())
    assert {"01", "09", "2A", "2B", "971", "976"} <= codes
    assert not any(len(code) == 1 for code in codes)
    assert parsed.data.get_column("indicator").n_unique() == 14
    assert parsed.data.filter(pl.col("state") == "zero").height == 4


def test_june_2025_v2_file_labels_are_all_current() -> None:
    parsed = read_ssmsi(JUN_2025)
    assert (parsed.schema_version, parsed.cog_year, parsed.last_data_year) == (2, 2025, 2024)
    labels = set(parsed.data.get_column("indicator").to_list())
    assert labels == set(V2_LABELS)
    assert parsed.data.get_column("state").value_counts().sort("state").rows() == [
        ("published", 15899),
        ("zero", 463),
    ]


def test_renamed_series_chain_across_editions_and_retired_ones_do_not() -> None:
    feb = read_ssmsi(FEB_2023).data
    jun = read_ssmsi(JUN_2025).data
    joined = feb.join(jun, on=["geo_code", "year", "indicator"], suffix="_2025")
    per_indicator = dict(joined.group_by("indicator").len().iter_rows())
    # v1 "Vols de véhicules" and v2 "Vols de véhicule" are one series: 101 départements x 7 years.
    assert per_indicator["Vols de véhicule"] == 101 * 7
    assert "Coups et blessures volontaires" not in per_indicator
    assert "Violences physiques intrafamiliales" not in per_indicator


@pytest.mark.parametrize(
    "path", [FEB_2023, JUL_2023, JUN_2025], ids=["2023-02", "2023-07", "2025-06"]
)
def test_rates_recomputed_from_counts_equal_the_published_rates(path: Path) -> None:
    """Known answer: count / denominator x 1000 equals the published rate to the file's rounding.

    The tolerance is half a unit of the last decimal written, plus, for burglary, what rounding
    the dwelling count to a whole number can change (dwellings are fractional INSEE estimates).
    """
    parsed: ParsedFile = read_ssmsi(path)
    text = published_rates(path)
    decimals = text.str.replace(",", ".").str.split(".").list.get(1, null_on_oob=True)
    places = decimals.str.len_chars().fill_null(0).cast(pl.Float64).to_numpy()
    data = parsed.data
    count = data.get_column("count").cast(pl.Float64).to_numpy()
    dwellings = data.get_column("denominator_kind").to_numpy() == "dwellings"
    denominator = np.where(
        dwellings,
        data.get_column("dwellings").to_numpy(),
        data.get_column("population").to_numpy(),
    ).astype(np.float64)
    recomputed = count / denominator * 1000
    published = data.get_column("rate_per_1000").to_numpy()
    tolerance = 0.5 * 10.0 ** (-places) + 1e-12 * np.abs(published)
    tolerance += np.where(dwellings, count * 1000 * 0.5 / (denominator * (denominator - 0.5)), 0)
    gap = np.abs(recomputed - published)
    worst = int(np.argmax(gap - tolerance))
    assert np.all(gap <= tolerance), data.row(worst, named=True)
    # The check has teeth: burglary per inhabitant instead of per dwelling is far off.
    burglary = dwellings & (count > 0)
    per_inhabitant = count / data.get_column("population").to_numpy() * 1000
    assert np.all(np.abs(per_inhabitant - published)[burglary] > tolerance[burglary])
