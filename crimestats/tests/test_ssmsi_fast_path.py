"""The CSV reader's two paths: polars parsing the numbers and checking every row in one
vectorised pass (fast), or every field read as text with errors worded by line and column.
Whatever the fast path accepts, the text path reads identically."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from polars.testing import assert_frame_equal

from crimestats import ssmsi
from crimestats.tests.test_ssmsi_fuzz import HEADER, NAME, broken_files, render, valid_rows

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = Path(__file__).resolve().parents[2] / "stspd" / "observatory" / "data"
FILES = [
    *sorted(DATA.glob("ssmsi_dep_*.csv.gz")),
    SHIPPED / "ssmsi-communes-76_2016-2023_geo2024_v2.csv.gz",
]


def both_paths(payload: bytes, name: str = NAME) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """The fast path's frame (None when it gives up) and the text path's, with text columns."""
    gz = payload[:2] == b"\x1f\x8b"
    text = gzip.decompress(payload) if gz else payload
    header, layout = ssmsi._csv_header(text, name)
    fast = ssmsi._parse_typed(ssmsi._read_csv_typed(payload, len(header), layout), layout, name)
    slow = ssmsi._parse(ssmsi._read_csv(text, header, layout, name), layout, name)
    return None if fast is None else ssmsi._expand(fast), slow


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_fast_path_reads_the_real_files_as_the_text_path_does(path: Path) -> None:
    fast, slow = both_paths(path.read_bytes(), path.name)

    assert fast is not None
    assert_frame_equal(fast, slow)


def test_the_fast_path_reads_shuffled_and_unpadded_rows_as_the_text_path_does() -> None:
    # Rows in any order (the duplicate check then hashes every key), codes missing their
    # leading zero, a BOM, CRLF line ends, lower-case units and flags.
    path = SHIPPED / "ssmsi-communes-76_2016-2023_geo2024_v2.csv.gz"
    header, *rows = gzip.decompress(path.read_bytes()).decode().splitlines()
    random.Random(4).shuffle(rows)
    rows = [row.replace(";Victime;", ";victime;").replace(";ndiff;", ";NDIFF;") for row in rows]
    rows = ["1004" + row[5:] if row.startswith("76001") else row for row in rows]
    payload = ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode()

    fast, slow = both_paths(payload)

    assert fast is not None
    assert_frame_equal(fast, slow)
    assert "01004" in fast.get_column("geo_code")


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


@pytest.mark.parametrize(
    "payload",
    [
        (SHIPPED / "ssmsi-communes-76_2016-2023_geo2024_v2.csv.gz").read_bytes(),
        # A padded field: the text path reads it.
        b"Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;"
        b"insee_pop;insee_pop_millesime;insee_log;insee_log_millesime\n"
        b" 1;84;2016;Homicides;Victime;5;0.0078318;638425;2016;308491;2016\n",
    ],
    ids=["fast path", "text path"],
)
def test_a_compact_read_has_the_same_values_as_categories(payload: bytes) -> None:
    text = ssmsi.read_ssmsi(payload).data
    compact = ssmsi.read_ssmsi(payload, compact=True).data

    assert text.schema == ssmsi.OUTPUT_SCHEMA
    assert compact.schema == ssmsi.COMPACT_SCHEMA
    assert_frame_equal(compact.cast(dict(ssmsi.OUTPUT_SCHEMA)), text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_files())
def test_what_the_fast_path_accepts_the_text_path_reads_identically(
    case: tuple[bytes, list[str]],
) -> None:
    data, _ = case
    try:
        header, layout = ssmsi._csv_header(
            ssmsi._first_line(data, NAME) if data[:2] == b"\x1f\x8b" else data, NAME
        )
    except ssmsi.SsmsiFormatError:
        return
    fast = ssmsi._parse_typed(ssmsi._read_csv_typed(data, len(header), layout), layout, NAME)
    if fast is None:
        return
    text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    slow = ssmsi._parse(ssmsi._read_csv(text, header, layout, NAME), layout, NAME)
    assert_frame_equal(ssmsi._expand(fast), slow)


@settings(max_examples=100, deadline=None)
@given(valid_rows())
def test_the_fast_path_reads_every_valid_file(rows: list[list[str]]) -> None:
    fast, slow = both_paths(render(HEADER, rows).encode())

    assert fast is not None
    assert_frame_equal(fast, slow)
