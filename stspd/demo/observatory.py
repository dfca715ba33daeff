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
# Two more real extracts, for the sweep of every territory (not loaded by the demo).
HAUTE_GARONNE_FILE = DATA_DIR / "ssmsi-communes-31_2016-2024_geo2025_v2_partial.csv.gz"
GIRONDE_FILE = DATA_DIR / "ssmsi-communes-33_2017_geo2024_v2.csv.gz"


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


def _state(count: pl.Expr, suppressed: pl.Expr) -> pl.Expr:
    return (
        pl.when(suppressed)
        .then(pl.lit("suppressed"))
        .when(count == 0)
        .then(pl.lit("zero"))
        .otherwise(pl.lit("published"))
    )


def _french_decimal(column: str) -> pl.Expr:
    return pl.col(column).replace("NA", None).str.replace(",", ".").cast(pl.Float64)


def convert_gironde_extract(
    source: str | os.PathLike[str], target: str | os.PathLike[str] = GIRONDE_FILE
) -> int:
    """Write the Gironde 2017 extract (every column of the v2 communal file, re-saved by its
    publisher with `,` and quotes, labels of the older 16 indicators) in the official v2 layout;
    return the number of rows written. Every value is kept as published: counts, states
    (`ndiff` -> suppressed), rates, populations and dwellings with their millésimes, and the
    `complement_info_*` of suppressed cells."""
    raw = pl.read_csv(Path(source), separator=",", infer_schema=False)
    labels = {label: canonical_label(label) for label in raw["indicateur"].unique()}
    count = pl.col("nombre").replace("NA", None).cast(pl.Int64)
    frame = raw.select(
        geo_code=pl.col("CODGEO_2024"),
        year=pl.col("annee").cast(pl.Int32),
        indicator=pl.col("indicateur").replace_strict(labels),
        count=count,
        state=_state(count, pl.col("est_diffuse") == "ndiff"),
        population=pl.col("insee_pop").replace("NA", None).cast(pl.Int64),
        population_vintage=pl.col("insee_pop_millesime").replace("NA", None).cast(pl.Int32),
        dwellings=pl.col("insee_log").replace("NA", None).cast(pl.Int64),
        dwellings_vintage=pl.col("insee_log_millesime").replace("NA", None).cast(pl.Int32),
        rate_per_1000=_french_decimal("taux_pour_mille"),
        complement_count=_french_decimal("complement_info_nombre"),
        complement_rate=_french_decimal("complement_info_taux"),
    ).sort("geo_code", "year", "indicator")
    write_v2_communal(frame, target, cog_year=2024)
    return frame.height


def convert_haute_garonne_extract(
    source: str | os.PathLike[str], target: str | os.PathLike[str] = HAUTE_GARONNE_FILE
) -> int:
    """Write the Haute-Garonne extract (`code_insee;annee;indicateur;nombre;taux_pour_mille;
    unite`, June 2025 edition, 2025 geography) in the official v2 layout; return the number of
    rows written.

    Its publisher kept only published cells above zero: a cell absent from the file may be a
    zero or a suppressed value, so it is left out here too (a partial file), never written as 0.
    The extract has no population column; the SSMSI rate is count / population x 1,000 (per
    1,000 dwellings for burglary), published with seven decimals, so the denominator is
    recovered exactly as round(count x 1,000 / rate), and checked to agree across the
    indicators of a commune and year.
    """
    raw = pl.read_csv(Path(source), separator=";", infer_schema=False)
    labels = {label: canonical_label(label) for label in raw["indicateur"].unique()}
    count = pl.col("nombre").cast(pl.Int64)
    frame = raw.select(
        geo_code=pl.col("code_insee"),
        year=pl.col("annee").cast(pl.Int32),
        indicator=pl.col("indicateur").replace_strict(labels),
        count=count,
        rate_per_1000=pl.col("taux_pour_mille").cast(pl.Float64),
    ).with_columns(
        state=_state(pl.col("count"), pl.lit(False)),
        denominator=(pl.col("count") * 1000 / pl.col("rate_per_1000")).round(0).cast(pl.Int64),
    )
    burglary = pl.col("indicator") == "Cambriolages de logement"
    frame = frame.with_columns(
        population=pl.when(~burglary).then(pl.col("denominator")),
        dwellings=pl.when(burglary).then(pl.col("denominator")),
    )
    for column in ("population", "dwellings"):
        spread = frame.group_by("geo_code", "year").agg(
            pl.col(column).min().alias("low"), pl.col(column).max().alias("high")
        )
        if spread.filter(pl.col("low") != pl.col("high")).height:
            raise ValueError(f"{column} : dénominateurs discordants dans une commune-année")
    frame = frame.with_columns(
        pl.col("population").fill_null(pl.col("population").max().over("geo_code", "year")),
        pl.col("dwellings").fill_null(pl.col("dwellings").max().over("geo_code", "year")),
    ).sort("geo_code", "year", "indicator")
    write_v2_communal(frame.drop("denominator"), target, cog_year=2025)
    return frame.height
