"""The stored layout of SSMSI values: one row per edition x level x area x indicator.

A national communal file has 5.2 million values (commune x indicator x year); one database row
per value costs far more to write, index and replace than reading the file does. So the values
are stored in blocks (`SeriesBlock`): the series of one indicator, in one edition, for the
territories of one *area* (the communes of one département, or one département, or one
region), as packed little-endian arrays decoded with numpy, one array per field:

- `code_index` (uint16): the cell's territory, an index into the block's `codes`;
- `years` (int16);
- `states` (uint8): 0 published, 1 published zero, 2 suppressed;
- `counts` (int32): -1 for a suppressed cell, which has no count (never read as 0);
- `populations`, `dwellings` (int32): -1 when unknown;
- `rates` (float64): the published rate per 1,000, NaN when absent.

`encode` checks the rule of the three states before anything is written, `decode` gives back
crimestats' layout (`read_ssmsi`'s columns plus the edition), with nulls where the file had
none. The area is also the unit of replacement: a communal file replaces its départements'
communes (see `area_codes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

STATES = ("published", "zero", "suppressed")
# Field -> (column of crimestats' layout, numpy dtype of the packed array).
ARRAYS: dict[str, tuple[str, np.dtype[Any]]] = {
    "code_index": ("geo_code", np.dtype("<u2")),
    "years": ("year", np.dtype("<i2")),
    "states": ("state", np.dtype("u1")),
    "counts": ("count", np.dtype("<i4")),
    "populations": ("population", np.dtype("<i4")),
    "dwellings": ("dwellings", np.dtype("<i4")),
    "rates": ("rate_per_1000", np.dtype("<f8")),
}
MISSING = -1  # a suppressed count, an unknown population or number of dwellings
_MAX_CODES = np.iinfo(np.uint16).max + 1


class BlockError(ValueError):
    """Values that break a storage rule (states, ranges): nothing is written."""


@dataclass(frozen=True)
class Block:
    """One block ready to be written: every field of `SeriesBlock` but the edition and level."""

    area: str
    indicator: str  # canonical label
    first_year: int
    last_year: int
    size: int
    codes: str  # the area's codes, separated by spaces
    arrays: tuple[bytes, ...]  # in the order of ARRAYS


def area_codes(codes: pl.Series, level: str) -> pl.Series:
    """The area of each territory code: a commune's département (2 characters, 3 overseas:
    971...), the code itself for a département or a region."""
    if level != "commune":
        return codes
    return pl.select(
        pl.when(codes.str.starts_with("97"))
        .then(codes.str.slice(0, 3))
        .otherwise(codes.str.slice(0, 2))
    ).to_series()


def _column(frame: pl.DataFrame, name: str, dtype: np.dtype[Any], missing: float) -> Any:
    column = frame.get_column(name)
    if column.null_count():
        column = column.fill_null(missing)
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    if column.len() and dtype.kind != "f" and (column.min() < info.min or column.max() > info.max):  # type: ignore[operator]
        raise BlockError(f"{name} : valeur hors de l'intervalle stockable")
    return column.to_numpy().astype(dtype, copy=False)


def encode(frame: pl.DataFrame, level: str) -> list[Block]:
    """Pack values in crimestats' layout (geo_code, year, indicator, state, count, population,
    dwellings, rate_per_1000) into blocks, one per indicator and area.

    Raises BlockError when a value breaks the rule of the three states (a suppressed value with
    a count or a rate, a zero that is not 0, a published value without a positive count).
    """
    if frame.is_empty():
        return []
    codes = frame.get_column("geo_code")
    distinct = codes.unique().sort()
    code_number = codes.cast(pl.Enum(distinct.to_list())).to_physical().to_numpy()
    areas = area_codes(distinct, level)
    # Sorted codes give sorted areas: each area is a run of `distinct`.
    area_number = areas.rle_id().to_numpy()
    area_start = np.flatnonzero(np.diff(area_number, prepend=-1))
    labels = frame.get_column("indicator")
    label_list = labels.unique().sort().to_list()
    label_number = labels.cast(pl.Enum(label_list)).to_physical().to_numpy()

    state = frame.get_column("state")
    state_number = state.cast(pl.Enum(list(STATES))).to_physical().to_numpy()
    count = frame.get_column("count")
    rate = frame.get_column("rate_per_1000")
    broken = frame.select(
        ((state == "suppressed") & (count.is_not_null() | rate.is_not_null()))
        | ((state == "zero") & (count != 0).fill_null(True))
        | ((state == "published") & (count <= 0).fill_null(True))
    ).to_series()
    if broken.any():
        bad = frame.filter(broken).row(0, named=True)
        raise BlockError(
            f"valeur incohérente avec son état ({bad['geo_code']}, {bad['year']}, "
            f"{bad['indicator']}, {bad['state']}, nombre {bad['count']})"
        )

    cell_area = area_number[code_number]
    key = label_number.astype(np.int64) * (int(area_number[-1]) + 1) + cell_area
    # A stable radix sort when the key fits 16 bits: cells keep the file's order in a block.
    order = np.argsort(key.astype(np.uint16) if key.max() < _MAX_CODES else key, kind="stable")
    key = key[order]
    local = code_number[order].astype(np.int64) - area_start[cell_area[order]]
    if local.max() >= _MAX_CODES:
        raise BlockError("plus de 65 536 territoires dans une même zone")
    packed = {
        "code_index": local.astype(np.uint16),
        "years": _column(frame, "year", ARRAYS["years"][1], MISSING)[order],
        "states": state_number.astype(np.uint8)[order],
        "counts": _column(frame, "count", ARRAYS["counts"][1], MISSING)[order],
        "populations": _column(frame, "population", ARRAYS["populations"][1], MISSING)[order],
        "dwellings": _column(frame, "dwellings", ARRAYS["dwellings"][1], MISSING)[order],
        "rates": _column(frame, "rate_per_1000", ARRAYS["rates"][1], np.nan)[order],
    }
    buffers = {name: values.tobytes() for name, values in packed.items()}
    widths = {name: values.itemsize for name, values in packed.items()}
    years = packed["years"]

    starts = np.flatnonzero(np.diff(key.astype(np.int64), prepend=-1))
    ends = np.append(starts[1:], len(key))
    distinct_codes = distinct.to_list()
    area_list = areas.to_list()
    area_end = np.append(area_start[1:], len(distinct_codes))
    blocks = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        cell = int(order[start])
        area = int(cell_area[cell])
        block_years = years[start:end]
        blocks.append(
            Block(
                area=area_list[int(area_start[area])],
                indicator=label_list[int(label_number[cell])],
                first_year=int(block_years.min()),
                last_year=int(block_years.max()),
                size=end - start,
                codes=" ".join(distinct_codes[area_start[area] : area_end[area]]),
                arrays=tuple(
                    buffers[name][start * widths[name] : end * widths[name]] for name in ARRAYS
                ),
            )
        )
    return blocks


# What `decode` reads from each stored block, in this order.
BLOCK_FIELDS = (
    "edition_id",
    "indicator__label",
    "indicator__unit",
    "indicator__denominator_kind",
    "size",
    "codes",
    *ARRAYS,
)

SCHEMA = {
    "geo_code": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    "unit": pl.String,
    "denominator_kind": pl.String,
    "count": pl.Int64,
    "state": pl.String,
    "population": pl.Int64,
    "dwellings": pl.Int64,
    "rate_per_1000": pl.Float64,
    "edition_id": pl.Int64,
}


def _array(rows: Sequence[Sequence[Any]], position: int, dtype: np.dtype[Any]) -> Any:
    return np.frombuffer(b"".join(row[position] for row in rows), dtype=dtype)


def decode(
    rows: Sequence[Sequence[Any]], *, codes: Iterable[str] | None = None, year: int | None = None
) -> pl.DataFrame:
    """Stored blocks (fields in the order of BLOCK_FIELDS) -> one row per value, crimestats'
    layout plus `edition_id`; only the territories `codes` and the `year` when given."""
    if not rows:
        return pl.DataFrame(schema=SCHEMA)
    sizes = np.array([row[4] for row in rows], dtype=np.int64)
    first = len(BLOCK_FIELDS) - len(ARRAYS)
    arrays = {
        name: _array(rows, first + i, dtype) for i, (name, (_, dtype)) in enumerate(ARRAYS.items())
    }
    for name, values in arrays.items():
        if len(values) != sizes.sum():
            raise BlockError(f"bloc de valeurs illisible ({name})")
    code_lists = [row[5].split(" ") for row in rows]
    offsets = np.cumsum([0, *(len(c) for c in code_lists[:-1])])
    block = np.repeat(np.arange(len(rows)), sizes)
    code_number = arrays["code_index"].astype(np.int64) + offsets[block]
    all_codes = pl.Series("geo_code", [code for c in code_lists for code in c], pl.String)

    keep = np.ones(len(block), dtype=bool)
    if year is not None:
        keep &= arrays["years"] == year
    if codes is not None:
        wanted = all_codes.is_in(pl.Series(list(codes), dtype=pl.String)).to_numpy()
        keep &= wanted[code_number]
    if not keep.all():
        block, code_number = block[keep], code_number[keep]
        arrays = {name: values[keep] for name, values in arrays.items()}

    def per_block(position: int, dtype: Any) -> pl.Series:
        return pl.Series([row[position] for row in rows], dtype=dtype).gather(block)

    frame = pl.DataFrame(
        {
            "geo_code": all_codes.gather(code_number),
            "year": pl.Series(arrays["years"], dtype=pl.Int32),
            "indicator": per_block(1, pl.String),
            "unit": per_block(2, pl.String),
            "denominator_kind": per_block(3, pl.String),
            "count": pl.Series(arrays["counts"], dtype=pl.Int64),
            "state": pl.Series(STATES, dtype=pl.String).gather(arrays["states"].astype(np.int64)),
            "population": pl.Series(arrays["populations"], dtype=pl.Int64),
            "dwellings": pl.Series(arrays["dwellings"], dtype=pl.Int64),
            "rate_per_1000": pl.Series(arrays["rates"], dtype=pl.Float64),
            "edition_id": per_block(0, pl.Int64),
        },
        schema=SCHEMA,
    )
    return frame.with_columns(
        *(
            pl.when(pl.col(name) == MISSING).then(None).otherwise(pl.col(name)).alias(name)
            for name in ("count", "population", "dwellings")
        ),
        pl.col("rate_per_1000").fill_nan(None),
    )
