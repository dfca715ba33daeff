"""Generate a national-size SSMSI communal file (v2 layout) and time its import.

The official national communal file (about 5.2 million rows, 35-40 MB gzipped) is not available
offline, so this writes a synthetic one of the same size and layout with
:func:`crimestats.ssmsi.write_v2_communal`: 34,900 communes x 15 indicators x 10 years, about
48 % of cells suppressed as in the real file. Counts are Poisson draws, not real figures.

Usage: ``uv run python bench/ssmsi_national.py [rows-per-year-factor]``; output in ``bench/out/``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from crimestats.labels import INDICATORS
from crimestats.rates import add_rates
from crimestats.ssmsi import read_ssmsi, write_v2_communal

OUT = Path(__file__).resolve().parent / "out"
YEARS = range(2016, 2026)
COMMUNES = 34_900


def generate(communes: int = COMMUNES, seed: int = 20250604) -> pl.DataFrame:
    """Synthetic commune rows with the columns :func:`read_ssmsi` returns."""
    rng = np.random.default_rng(seed)
    departements = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]
    per_dep = -(-communes // len(departements))
    codes = [f"{d}{i:03d}" for d in departements for i in range(1, per_dep + 1)][:communes]
    population = np.maximum(1, rng.lognormal(6.4, 1.3, communes).astype(np.int64))
    dwellings = np.maximum(1, (population * rng.uniform(0.4, 0.6, communes)).astype(np.int64))
    indicators = [i for i in INDICATORS.values() if i.scope == "commune" and not i.retired]
    base_rate = rng.uniform(0.2, 8.0, len(indicators)) / 1000

    n_years, n_ind = len(YEARS), len(indicators)
    shape = (communes, n_years, n_ind)
    denominator = np.where(
        np.array([i.denominator == "dwellings" for i in indicators])[None, None, :],
        dwellings[:, None, None],
        population[:, None, None],
    )
    counts = rng.poisson(np.broadcast_to(base_rate[None, None, :] * denominator, shape))
    suppressed = rng.random(shape) < 0.48
    frame = pl.DataFrame(
        {
            "geo_level": "commune",
            "geo_code": np.repeat(codes, n_years * n_ind),
            "year": np.tile(np.repeat(np.array(YEARS, dtype=np.int32), n_ind), communes),
            "indicator": np.tile([i.label for i in indicators], communes * n_years),
            "unit": np.tile([i.unit for i in indicators], communes * n_years),
            "denominator_kind": np.tile([i.denominator for i in indicators], communes * n_years),
            "count": counts.ravel(),
            "suppressed": suppressed.ravel(),
            "population": np.repeat(population, n_years * n_ind),
            "dwellings": np.repeat(dwellings, n_years * n_ind),
        }
    ).with_columns(
        count=pl.when(pl.col("suppressed")).then(None).otherwise(pl.col("count")),
        state=pl.when(pl.col("suppressed"))
        .then(pl.lit("suppressed"))
        .when(pl.col("count") == 0)
        .then(pl.lit("zero"))
        .otherwise(pl.lit("published")),
    )
    return add_rates(frame.drop("suppressed")).rename({"rate": "rate_per_1000"})


def main() -> None:
    factor = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    OUT.mkdir(exist_ok=True)
    path = OUT / "donnee-data.gouv-2025-geographie2025-produit-le2026-01-01.csv.gz"
    started = time.perf_counter()
    frame = generate(int(COMMUNES * factor))
    write_v2_communal(frame, path)
    written = time.perf_counter() - started
    size = path.stat().st_size / 1e6
    print(f"generated {frame.height:,} rows, {size:.1f} MB gzipped, in {written:.1f} s")
    started = time.perf_counter()
    parsed = read_ssmsi(path)
    elapsed = time.perf_counter() - started
    print(f"read_ssmsi: {parsed.data.height:,} rows in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
