"""The stored layout of SSMSI values: one row per edition x level x area x indicator.

A national communal file has 5.2 million values (commune x indicator x year); one database row
per value costs far more to write, index and replace than reading the file does. So the values
are stored in blocks (`SeriesBlock`): the series of one indicator, in one edition, for the
territories of one *area* (the communes of one département, or one département, or one
region), as packed little-endian arrays decoded with numpy, one array per field:

- `code_index` (uint16): the cell's territory, an index into the block's `codes`;
- `years` (int16);
- `states` (uint8): 0 published, 1 published zero, 2 suppressed, 3 lower bound (a current
  commune whose value adds former communes' values, one of them at least suppressed: "au
  moins" the count);
- `counts` (int32): -1 for a suppressed cell, which has no count (never read as 0);
- `populations`, `dwellings` (int32): -1 when unknown;
- `rates` (float64): the published rate per 1,000, NaN when absent.

`encode` checks the rule of the states before anything is written, `decode` gives back
crimestats' layout (`read_ssmsi`'s columns plus the edition), with nulls where the file had
none. An import replaces cells, not areas: it removes the cells it carries from the stored
blocks of its areas (stspd.observatory.importer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from crimestats.ssmsi import STATES

# The states a stored cell may have, numbered as in `states`: the files' three, and a lower
# bound, which no file has but the sum of a merged commune's parts may be (importer).
LOWER_BOUND = "lower_bound"
BLOCK_STATES = (*STATES, LOWER_BOUND)

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
# The columns of crimestats' layout that `encode` packs.
ENCODED_COLUMNS = (
    "geo_code",
    "year",
    "indicator",
    "state",
    "count",
    "population",
    "dwellings",
    "rate_per_1000",
)
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
    arrays: tuple[memoryview, ...]  # the packed bytes, in the order of ARRAYS


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


def _codes_in_runs(codes: pl.Series) -> pl.Series | None:
    """The distinct codes when the rows list them in increasing runs (a national file lists
    its rows territory after territory), else None."""
    values = codes.rle().struct.field("value")
    if (values.slice(1) > values.slice(0, values.len() - 1)).all():
        return values
    return None


def encode(frame: pl.DataFrame, level: str) -> list[Block]:
    """Pack values in crimestats' layout (geo_code, year, indicator, state, count, population,
    dwellings, rate_per_1000) into blocks, one per indicator and area.

    Raises BlockError when a value breaks the rule of the states (a suppressed value with a
    count or a rate, a zero that is not 0, a published value without a positive count, a lower
    bound without a count or with a rate, an unknown state), is negative, or does not fit its
    array.
    """
    if frame.is_empty():
        return []
    codes = frame.get_column("geo_code")
    distinct = _codes_in_runs(codes)
    if distinct is None:
        distinct = codes.unique().sort()
        code = pl.col("geo_code").cast(pl.Enum(distinct.to_list())).to_physical()
    else:  # numbering the runs is enough: no hashing of 5 million strings
        code = pl.col("geo_code").rle_id()
    state = pl.col("state")
    if frame.schema["state"] in (pl.Enum(STATES), pl.Enum(BLOCK_STATES)):
        state_code = state.to_physical().cast(pl.UInt8)  # numbered already, in this order
    else:
        numbered = pl.lit(None, pl.UInt8)
        for number, name in reversed(list(enumerate(BLOCK_STATES))):
            numbered = pl.when(state == name).then(number).otherwise(numbered)
        state_code = numbered.fill_null(len(BLOCK_STATES)).cast(pl.UInt8)
    indicator = pl.col("indicator")
    if isinstance(frame.schema["indicator"], pl.Enum):
        label = indicator.to_physical()
    else:
        label = indicator.cast(pl.Categorical).to_physical()
    negative = frame.select(
        pl.any_horizontal(pl.col(c).min() < 0 for c in ("count", "population", "dwellings"))
    ).item()
    if negative:
        raise BlockError("nombre, population ou logements négatif")
    try:
        # One query: polars computes the columns in parallel.
        numbers = frame.select(
            code=code,
            label=label,
            states=state_code,
            years=pl.col("year").cast(pl.Int16),
            counts=pl.col("count").fill_null(MISSING).cast(pl.Int32),
            populations=pl.col("population").fill_null(MISSING).cast(pl.Int32),
            dwellings=pl.col("dwellings").fill_null(MISSING).cast(pl.Int32),
            rates=pl.col("rate_per_1000").cast(pl.Float64).fill_null(np.nan),
        )
    except pl.exceptions.InvalidOperationError as exc:
        raise BlockError(f"valeur hors de l'intervalle stockable ({exc})") from exc
    arrays = {
        name: column.to_numpy()
        for name, column in zip(numbers.columns, numbers.iter_columns(), strict=True)
    }
    code_number = arrays["code"]
    areas = area_codes(distinct, level)
    # Sorted codes give sorted areas: each area is a run of `distinct`.
    area_number = areas.rle_id().to_numpy()
    area_start = np.flatnonzero(np.diff(area_number, prepend=-1))
    # Labels: few, numbered in alphabetical order through their categorical ids.
    label_id = numbers.get_column("label")
    first = label_id.arg_unique().to_numpy()
    label_list = frame.get_column("indicator").gather(first).to_list()
    # Small integer types throughout: 5 million cells, few temporary megabytes.
    n_areas = int(area_number[-1]) + 1
    key_type = np.uint16 if len(label_list) * n_areas <= _MAX_CODES else np.int64
    lookup = np.zeros(int(label_id.max()) + 1, dtype=key_type)  # type: ignore[arg-type]  # polars types max() as PythonLiteral | None; the frame is non-empty and the ids are integers
    lookup[arrays["label"][first]] = np.argsort(np.argsort(label_list, kind="stable"))
    label_number = lookup[arrays["label"]]
    label_list = sorted(label_list)
    state_number, counts, rates = arrays["states"], arrays["counts"], arrays["rates"]
    published, zero, suppressed, lower = (state_number == i for i in range(len(BLOCK_STATES)))
    broken = (
        (state_number >= len(BLOCK_STATES))
        # "au moins" a count: a number (0 when every known part is 0), never a rate
        | (lower & ((counts == MISSING) | ~np.isnan(rates)))
        | (suppressed & ((counts != MISSING) | ~np.isnan(rates)))
        | (zero & (counts != 0))
        | (published & (counts <= 0))
    )
    if broken.any():
        bad = frame.row(int(np.argmax(broken)), named=True)
        raise BlockError(
            f"valeur incohérente avec son état ({bad['geo_code']}, {bad['year']}, "
            f"{bad['indicator']}, {bad['state']}, nombre {bad['count']})"
        )

    cell_area = area_number.astype(key_type)[code_number]
    key = label_number * key_type(n_areas) + cell_area
    # A stable sort (radix on 16 bits): cells keep the file's order within a block.
    order = np.argsort(key, kind="stable")
    key = key[order]
    local = code_number[order] - area_start.astype(code_number.dtype)[cell_area[order]]
    if local.max() >= _MAX_CODES:
        raise BlockError("plus de 65 536 territoires dans une même zone")
    # polars gathers the arrays in parallel, one column per core.
    gathered = pl.DataFrame({name: arrays[name] for name in list(ARRAYS)[1:]}).gather(order)
    packed = {"code_index": local.astype(np.uint16)} | {
        name: gathered.get_column(name).to_numpy().astype(ARRAYS[name][1], copy=False)
        for name in list(ARRAYS)[1:]
    }
    # Each block's arrays are views on these: no copy of the 130 MB of a national file.
    views = {name: memoryview(values).cast("B") for name, values in packed.items()}
    widths = {name: values.itemsize for name, values in packed.items()}
    years = packed["years"]

    starts = np.append(0, np.flatnonzero(key[1:] != key[:-1]) + 1)
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
                    views[name][start * widths[name] : end * widths[name]] for name in ARRAYS
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
        wanted = all_codes.is_in(pl.Series(list(codes), dtype=pl.String).implode()).to_numpy()
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
            "state": pl.Series(BLOCK_STATES, dtype=pl.String).gather(
                arrays["states"].astype(np.int64)
            ),
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
