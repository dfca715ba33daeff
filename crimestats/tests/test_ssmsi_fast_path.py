"""The CSV reader's two paths: numbers parsed by polars (fast), or every field read as text."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from crimestats import ssmsi

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = Path(__file__).resolve().parents[2] / "stspd" / "observatory" / "data"
FILES = [
    *sorted(DATA.glob("ssmsi_dep_*.csv.gz")),
    SHIPPED / "ssmsi-communes-76_2016-2023_geo2024_v2.csv.gz",
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_fast_path_reads_the_real_files_as_the_text_path_does(path: Path) -> None:
    text = gzip.decompress(path.read_bytes())
    header, layout = ssmsi._csv_header(text, path.name)

    typed = ssmsi._read_csv_typed(text, len(header), layout)
    assert typed is not None
    fast = ssmsi._parse_typed(typed, layout, path.name)
    slow = ssmsi._parse(ssmsi._read_csv(text, header, layout, path.name), layout, path.name)

    assert fast is not None
    assert_frame_equal(fast, slow)


def test_padded_or_lower_case_fields_fall_back_to_the_text_path_with_the_same_rows() -> None:
    header = ssmsi.V2_COMMUNAL_HEADER
    clean = [
        '2A004;2023;Violences sexuelles;Victime;12;"1,5";diff;1200;2021;500;2021;NA;NA',
        "01004;2023;Vols de véhicule;Véhicule;NA;NA;ndiff;1200;2021;500;2021;NA;NA",
    ]
    padded = [
        ' 2a004 ;2023; Violences sexuelles ;Victime ; 12 ;"1,5"; DIFF ;1200;2021;500;2021;NA;NA',
        "1004;2023;Vols de véhicule;véhicule;NA;NA;ndiff; 1200;2021;500;2021;NA;NA",
    ]

    expected = ssmsi.read_ssmsi("\n".join([header, *clean]).encode()).data
    got = ssmsi.read_ssmsi("\n".join([header, *padded]).encode()).data

    assert_frame_equal(got, expected)
    assert got.get_column("geo_code").to_list() == ["2A004", "01004"]
