"""Import an SSMSI recorded-crime file (communes, départements or regions) into the observatory.

Parsing and every check are crimestats' (`read_ssmsi`); this module stores the result. One
transaction per file: the values of the file's geographic level, indicators and years are
deleted (one query per indicator set sharing a year range) and the file's values inserted in
bulk (COPY on PostgreSQL, one prepared INSERT run over every row on SQLite, bulk_create
elsewhere); from BULK_ROWS rows (a national file) some indexes and constraints are set aside
for the load inside the same transaction (see `_bulk_load`). Codes absent from the territory
reference are reported, not stored. Re-importing the same file leaves the same rows.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

import polars as pl
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from crimestats.labels import INDICATORS, LABEL_TABLE_VERSION
from crimestats.ssmsi import ParsedFile, SsmsiFormatError, read_ssmsi
from stspd.audit.events import record
from stspd.indicators.library import sync_library
from stspd.territories.models import Commune, Departement, Region

from .models import Edition, GeoLevel, Indicator, Value

BATCH = 10_000
COPY_BATCH = 500_000
SQLITE_BATCH = 200_000
SQLITE_ROWS_PER_INSERT = 1_000
# From this many rows, indexes are set aside during the load (a national file: ~5 million).
BULK_ROWS = 100_000
Progress = Callable[[str], None]

# Columns written per value, in the order of the PostgreSQL COPY.
_COLUMNS = (
    "edition_id",
    "geo_level",
    "geo_code",
    "year",
    "indicator_id",
    "state",
    "count",
    "population",
    "dwellings",
    "rate",
)
# Level -> (unknown codes heading, nothing unknown).
_UNKNOWN_WORDING = {
    GeoLevel.COMMUNE: ("communes inconnues du référentiel", "aucune commune inconnue"),
    GeoLevel.DEPARTEMENT: ("départements inconnus du référentiel", "aucun département inconnu"),
    GeoLevel.REGION: ("régions inconnues du référentiel", "aucune région inconnue"),
}
_LEVEL_NAMES = {"commune": "commune", "departement": "département", "region": "région"}


@dataclass
class ImportReport:
    source_name: str
    geo_level: str
    schema_version: int
    cog_year: int | None
    production_date: date | None
    rows_read: int = 0
    stored: int = 0
    published: int = 0
    zero: int = 0
    suppressed: int = 0
    replaced: int = 0
    unknown_rows: int = 0
    unknown_codes: list[str] = field(default_factory=list)
    same_file_again: bool = False
    edition_id: int | None = None

    def __str__(self) -> str:
        unknown, none = _UNKNOWN_WORDING[GeoLevel(self.geo_level)]
        level = _LEVEL_NAMES[self.geo_level]
        produced = f", produite le {self.production_date:%d/%m/%Y}" if self.production_date else ""
        cog = f", géographie {self.cog_year}" if self.cog_year else ""
        again = " à nouveau (même fichier)" if self.same_file_again else ""
        lines = [
            f"Édition « {self.source_name} » (schéma v{self.schema_version}, niveau {level}"
            f"{cog}{produced}) importée{again} :",
            f"  lignes lues : {_n(self.rows_read)}",
            f"  valeurs enregistrées : {_n(self.stored)}",
            f"    publiées : {_n(self.published)}",
            f"    zéros publiés : {_n(self.zero)}",
            f"    non diffusées (secret statistique) : {_n(self.suppressed)}",
            f"  valeurs déjà en base remplacées : {_n(self.replaced)}",
        ]
        if self.unknown_codes:
            shown = ", ".join(self.unknown_codes[:30])
            if len(self.unknown_codes) > 30:
                shown += f" et {len(self.unknown_codes) - 30} autres"
            lines.append(
                f"  {unknown} : {_n(len(self.unknown_codes))} (lignes non enregistrées : "
                f"{_n(self.unknown_rows)}) : {shown}"
            )
        else:
            lines.append(f"  {none} du référentiel")
        return "\n".join(lines)


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _known_codes(level: str) -> set[str]:
    if level == GeoLevel.COMMUNE:
        return set(Commune.objects.values_list("code", flat=True))
    if level == GeoLevel.DEPARTEMENT:
        return set(Departement.objects.values_list("code", flat=True))
    return set(Region.objects.values_list("code", flat=True))


def _sync_indicators() -> dict[str, int]:
    Indicator.objects.bulk_create(
        [
            Indicator(
                label=i.label,
                unit=i.unit,
                denominator_kind=i.denominator,
                retired=i.retired,
            )
            for i in INDICATORS.values()
        ],
        update_conflicts=True,
        unique_fields=["label"],
        update_fields=["unit", "denominator_kind", "retired"],
    )
    return dict(Indicator.objects.values_list("label", "id"))


def _save_edition(parsed: ParsedFile, sha256: str, report: ImportReport) -> Edition:
    years = parsed.data.get_column("year")
    values = {
        "source_name": parsed.source_name[:300],
        "production_date": parsed.production_date,
        "cog_year": parsed.cog_year,
        "schema_version": parsed.schema_version,
        "geo_level": parsed.geo_level,
        "file_format": parsed.file_format,
        "label_table_version": LABEL_TABLE_VERSION,
        "first_year": years.min() if len(years) else None,
        "last_year": years.max() if len(years) else None,
        "imported_at": timezone.now(),
        "rows_read": report.rows_read,
        "rows_stored": report.stored,
        "published": report.published,
        "zero": report.zero,
        "suppressed": report.suppressed,
        "unknown_rows": report.unknown_rows,
        "unknown_codes": report.unknown_codes,
    }
    edition, created = Edition.objects.update_or_create(sha256=sha256, defaults=values)
    report.same_file_again = not created
    return edition


def _covered_area(data: pl.DataFrame, level: str) -> Q:
    """The territories a file speaks for: its départements for a communal file, else its codes.

    Why not every commune of the level? Because a regional or départemental extract of the
    communal base must not erase the other départements' communes; and why not only the file's
    communes? Because a commune missing from a new edition (merged, or renamed code) must not
    keep a stale series beside its successor.
    """
    codes = data.get_column("geo_code").unique()
    if level != GeoLevel.COMMUNE:
        return Q(geo_code__in=codes.to_list())
    prefixes = (
        pl.when(codes.str.starts_with("97"))
        .then(codes.str.slice(0, 3))
        .otherwise(codes.str.slice(0, 2))
    )
    area = Q()
    for prefix in sorted(pl.select(prefixes).to_series().unique().to_list()):
        area |= Q(geo_code__startswith=prefix)
    return area


def _delete_replaced(data: pl.DataFrame, level: str, indicator_ids: dict[str, int]) -> int:
    """Delete the values the file re-projects: its area (départements), indicators and years,
    one query per set of indicators sharing years."""
    area = _covered_area(data, level)
    ranges = (
        data.group_by("indicator")
        .agg(first=pl.col("year").min(), last=pl.col("year").max())
        .group_by("first", "last")
        .agg(pl.col("indicator"))
    )
    deleted = 0
    for first, last, labels in ranges.iter_rows():
        count, _ = Value.objects.filter(
            area,
            geo_level=level,
            indicator_id__in=[indicator_ids[label] for label in labels],
            year__range=(first, last),
        ).delete()
        deleted += count
    return deleted


def _chunks(frame: pl.DataFrame, size: int = BATCH) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, size):
        yield frame.slice(offset, size)


@contextmanager
def _bulk_load() -> Iterator[None]:
    """Set aside what slows a load of millions of rows, and put it back after the load.

    Why? Because maintaining the secondary indexes row by row costs more than building each
    once afterwards. SQLite: the three secondary indexes (the unique one is part of the table
    and stays). PostgreSQL: the secondary indexes, the unique constraint and the two foreign
    keys, which would queue two trigger events per row (re-adding one checks every row in a
    single join); rows are written in the order of the secondary indexes (see `_insert`), so
    that building them sorts rows already in order. Only inside the import's transaction: DDL
    is transactional on both, so a failure rolls the indexes and constraints back with the
    rows, and re-adding the unique constraint checks it again. On PostgreSQL, readers of the
    value table wait for the import's end (ACCESS EXCLUSIVE lock).
    """
    table = Value._meta.db_table
    quote = connection.ops.quote_name
    drop: list[str] = []
    restore: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            for name, sql in cursor.fetchall():
                drop.append(f"DROP INDEX {quote(name)}")
                restore.append(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                [quote(table)],
            )
            for name, definition in cursor.fetchall():
                drop.append(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                restore.append(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            cursor.execute(
                # regclass::text is the index name, quoted where needed.
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisprimary",
                [quote(table)],
            )
            for name, definition in cursor.fetchall():
                drop.append(f"DROP INDEX {name}")
                restore.insert(0, definition)
            # Checks still pending in an enclosing transaction run now: PostgreSQL alters no
            # table with pending trigger events. Django declares every foreign key deferred.
            drop.insert(0, "SET CONSTRAINTS ALL IMMEDIATE")
            restore.insert(0, "SET LOCAL maintenance_work_mem = '256MB'")
            restore.append("SET CONSTRAINTS ALL DEFERRED")
        for statement in drop:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)


def _insert(frame: pl.DataFrame, progress: Progress, *, bulk: bool = False) -> None:
    done = 0
    if connection.vendor == "postgresql":
        if bulk:
            # In the order of the secondary indexes rebuilt after a bulk load: their sorts
            # then find the rows already in order.
            frame = frame.sort("indicator_id", "year", "geo_code")
        table = connection.ops.quote_name(Value._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        copy_sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        # The psycopg cursor under Django's wrapper: COPY is several times faster than INSERT.
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for chunk in _chunks(frame, COPY_BATCH):
                copy.write(chunk.write_csv(include_header=False, null_value=""))
                done += chunk.height
                progress(f"Enregistrement : {100 * done // frame.height} %")
        return
    if connection.vendor == "sqlite" and frame.height:
        table = connection.ops.quote_name(Value._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        # One edition and one level per file: written once in the statement, not bound per row.
        constant = frame.select(pl.col("edition_id", "geo_level").unique())
        if constant.height != 1:
            raise ValueError("un fichier SSMSI importé = une édition et un niveau géographique")
        edition_id, level = constant.row(0)
        row = [str(int(edition_id)), f"'{GeoLevel(level).value}'", *["?"] * (len(_COLUMNS) - 2)]
        one = f"({', '.join(row)})"
        # The sqlite3 connection under Django's wrapper, in the same transaction: prepared
        # statements of many rows each (fewer statement runs and AUTOINCREMENT updates), no
        # model instance per row.
        connection.ensure_connection()
        raw = connection.connection
        width = len(_COLUMNS) - 2
        per_statement = min(
            SQLITE_ROWS_PER_INSERT, raw.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER) // width
        )
        many = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * per_statement)}"
        single = f"INSERT INTO {table} ({columns}) VALUES {one}"
        for chunk in _chunks(frame.select(_COLUMNS[2:]), SQLITE_BATCH):
            flat: list[object] = [None] * (chunk.height * width)
            for index, column in enumerate(chunk.iter_columns()):
                flat[index::width] = column.to_list()
            size = per_statement * width
            full = len(flat) - len(flat) % size
            raw.executemany(many, (tuple(flat[i : i + size]) for i in range(0, full, size)))
            raw.executemany(
                single, (tuple(flat[i : i + width]) for i in range(full, len(flat), width))
            )
            done += chunk.height
            progress(f"Enregistrement : {100 * done // frame.height} %")
        return
    for chunk in _chunks(frame):
        Value.objects.bulk_create(
            [
                Value(
                    edition_id=edition_id,
                    geo_level=geo_level,
                    geo_code=geo_code,
                    year=year,
                    indicator_id=indicator_id,
                    state=state,
                    count=count,
                    population=population,
                    dwellings=dwellings,
                    rate=rate,
                )
                for (
                    edition_id,
                    geo_level,
                    geo_code,
                    year,
                    indicator_id,
                    state,
                    count,
                    population,
                    dwellings,
                    rate,
                ) in chunk.iter_rows()
            ],
            batch_size=BATCH,
        )
        done += chunk.height
        progress(f"Enregistrement : {100 * done // frame.height} %")


def _silent(message: str) -> None:
    pass


def import_ssmsi(
    path: str | os.PathLike[str],
    *,
    source_name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one SSMSI file; `source_name` (default: the file name) carries the edition.

    Raises crimestats' SsmsiFormatError (line, column) before anything is written, or a
    DatabaseError that rolls the whole import back.
    """
    say = progress or _silent
    name = source_name or Path(path).name
    try:
        payload = Path(path).read_bytes()
    except OSError as exc:
        raise SsmsiFormatError(name, None, None, f"fichier illisible ({exc})") from exc
    say("Lecture et vérification du fichier…")
    parsed = read_ssmsi(payload, source_name=name)
    data = parsed.data
    level = parsed.geo_level
    report = ImportReport(
        source_name=parsed.source_name,
        geo_level=level,
        schema_version=parsed.schema_version,
        cog_year=parsed.cog_year,
        production_date=parsed.production_date,
        rows_read=data.height,
    )

    known = data.get_column("geo_code").is_in(list(_known_codes(level)))
    unknown = data.filter(~known)
    # A national file is ~5 million rows: no copy when every code is known.
    kept = data if unknown.is_empty() else data.filter(known)
    report.unknown_rows = unknown.height
    report.unknown_codes = sorted(unknown.get_column("geo_code").unique().to_list())
    states = dict(kept.get_column("state").value_counts().iter_rows())
    report.stored = kept.height
    report.published = states.get("published", 0)
    report.zero = states.get("zero", 0)
    report.suppressed = states.get("suppressed", 0)

    with transaction.atomic():
        indicator_ids = _sync_indicators()
        # New SSMSI indicators become entries of the strategies' indicator library.
        sync_library()
        edition = _save_edition(parsed, hashlib.sha256(payload).hexdigest(), report)
        report.edition_id = edition.pk
        say("Remplacement des valeurs des éditions précédentes…")
        bulk = kept.height >= BULK_ROWS
        with _bulk_load() if bulk else nullcontext():
            report.replaced = _delete_replaced(data, level, indicator_ids)
            rows = kept.select(
                edition_id=pl.lit(edition.pk, pl.Int64),
                geo_level=pl.col("geo_level"),
                geo_code=pl.col("geo_code"),
                year=pl.col("year"),
                indicator_id=pl.col("indicator").replace_strict(
                    indicator_ids, return_dtype=pl.Int64
                ),
                state=pl.col("state"),
                count=pl.col("count"),
                population=pl.col("population"),
                dwellings=pl.col("dwellings"),
                rate=pl.col("rate_per_1000"),
            )
            _insert(rows, say, bulk=bulk)
            if bulk:
                say("Reconstruction des index et des contraintes…")
        record(
            None,
            "updated" if report.same_file_again else "created",
            edition,
            label=f"Édition SSMSI {edition.source_name}",
            changes={"valeurs enregistrées": ["", str(report.stored)]},
        )
    return report
