"""Demo statistics: real SSMSI data shipped in the observatory's `data/` (provenance in its
README.md).

`convert_communes_extract` rebuilds the shipped communal file from the Seine-Maritime extract
(the source parquet is not shipped); `load_demo_statistics` imports the shipped files once.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from crimestats.labels import canonical_label
from crimestats.ssmsi import write_v2_communal
from stspd import observatory
from stspd.observatory.importer import ImportReport, import_ssmsi
from stspd.observatory.models import Edition

DATA_DIR = Path(observatory.__file__).resolve().parent / "data"
COMMUNES_FILE = DATA_DIR / "ssmsi-communes-76_2016-2023_geo2024_v2.csv.gz"
DEPARTEMENTS_FILE = (
    DATA_DIR / "ssmsi_dep_donnee-dep-data.gouv-2024-geographie2025-produit-le2025-06-04.csv.gz"
)
DEMO_FILES = (COMMUNES_FILE, DEPARTEMENTS_FILE)


def convert_communes_extract(
    source: str | os.PathLike[str], target: str | os.PathLike[str] = COMMUNES_FILE
) -> int:
    """Write the v1-labelled parquet extract (annee 16..23, classe, CODGEO_2024, faits, POP) in
    the official v2 communal layout; return the number of rows written.

    A null `faits` is a suppressed value (`ndiff`). The extract has neither dwellings nor
    published rates: the rate per 1,000 inhabitants is recomputed as faits / POP x 1,000 (the
    SSMSI formula), and burglary rates, per 1,000 dwellings, are left NA.
    """
    raw = pl.read_parquet(Path(source), columns=["annee", "classe", "CODGEO_2024", "faits", "POP"])
    labels = {label: canonical_label(label, schema=1) for label in raw["classe"].unique()}
    frame = raw.select(
        geo_code=pl.col("CODGEO_2024"),
        year=pl.col("annee").cast(pl.Int32) + 2000,
        indicator=pl.col("classe").cast(pl.String).replace_strict(labels),
        count=pl.col("faits").round(0).cast(pl.Int64),
        population=pl.col("POP").cast(pl.Int64),
    ).with_columns(
        state=pl.when(pl.col("count").is_null())
        .then(pl.lit("suppressed"))
        .when(pl.col("count") == 0)
        .then(pl.lit("zero"))
        .otherwise(pl.lit("published")),
        dwellings=pl.lit(None, pl.Int64),
        rate_per_1000=pl.when(
            (pl.col("indicator") != "Cambriolages de logement") & (pl.col("population") > 0)
        ).then(pl.col("count") / pl.col("population") * 1000),
    )
    frame = frame.sort("geo_code", "year", "indicator")
    write_v2_communal(frame, target, cog_year=2024)
    return frame.height


def load_demo_statistics() -> list[ImportReport]:
    """Import the shipped SSMSI files, unless some edition is already stored."""
    if Edition.objects.exists():
        return []
    return [import_ssmsi(path) for path in DEMO_FILES]
