"""Import an SSMSI recorded-crime file (communes, départements or regions) into the observatory.

Parsing and every check are crimestats' (`read_ssmsi`); this module stores the result as blocks
of series (`SeriesBlock`, packed by `blocks.encode`: one row per indicator and area, about 1,600
for a national communal file of 5.2 million values). One transaction per file: the cells the
file re-projects (its level, areas, indicators and years) are removed from the stored blocks,
whole blocks deleted in one query per set of indicators sharing years, and the file's blocks
written (COPY on PostgreSQL, a prepared INSERT elsewhere). Codes absent from the territory reference
are reported, not stored. Re-importing the same file leaves the same values.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from crimestats import french
from crimestats.labels import INDICATORS, LABEL_TABLE_VERSION
from crimestats.ssmsi import ParsedFile, SsmsiFormatError, read_ssmsi
from stspd.audit.events import record
from stspd.territories.models import Commune, Departement, Region

from . import prefetch
from .blocks import ARRAYS, BLOCK_FIELDS, Block, BlockError, area_codes, decode, encode
from .models import Edition, GeoLevel, Indicator, SeriesBlock

# Blocks written between two progress messages (a national file has about 1,600).
BATCH = 200
Progress = Callable[[str], None]

# Columns of a block in the order they are written, with their PostgreSQL types (binary COPY).
_COPY_COLUMNS = {
    "edition_id": "int8",
    "geo_level": "varchar",
    "area": "varchar",
    "indicator_id": "int8",
    "first_year": "int2",
    "last_year": "int2",
    "size": "int4",
    "codes": "text",
    **dict.fromkeys(ARRAYS, "bytea"),
}
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
        produced = (
            f", produite le {french.date(self.production_date)}" if self.production_date else ""
        )
        cog = f", géographie {self.cog_year}" if self.cog_year else ""
        again = " à nouveau (même fichier)" if self.same_file_again else ""
        lines = [
            f"Édition « {self.source_name} » (schéma v{self.schema_version}, niveau {level}"
            f"{cog}{produced}) importée{again} :",
            f"  lignes lues : {french.number(self.rows_read)}",
            f"  valeurs enregistrées : {french.number(self.stored)}",
            f"    publiées : {french.number(self.published)}",
            f"    zéros publiés : {french.number(self.zero)}",
            f"    non diffusées (secret statistique) : {french.number(self.suppressed)}",
            f"  valeurs déjà en base remplacées : {french.number(self.replaced)}",
        ]
        if self.unknown_codes:
            shown = ", ".join(self.unknown_codes[:30])
            if len(self.unknown_codes) > 30:
                shown += f" et {len(self.unknown_codes) - 30} autres"
            lines.append(
                f"  {unknown} : {french.number(len(self.unknown_codes))} (lignes non "
                f"enregistrées : {french.number(self.unknown_rows)}) : {shown}"
            )
        else:
            lines.append(f"  {none} du référentiel")
        return "\n".join(lines)


def _known_codes(level: str) -> list[str]:
    model = {GeoLevel.COMMUNE: Commune, GeoLevel.DEPARTEMENT: Departement}.get(
        GeoLevel(level), Region
    )
    # One plain query: the ORM's rows cost more than the lookup for 35,000 communes.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('code')} FROM {quote(model._meta.db_table)}")
        return [code for (code,) in cursor.fetchall()]


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


def _replace(data: pl.DataFrame, level: str, indicator_ids: dict[str, int]) -> int:
    """Remove the cells the file re-projects from the stored blocks; return how many.

    The file speaks for its areas: the départements of its communes for a communal file (a
    départemental extract leaves the other départements alone, and a commune missing from a
    new edition, merged or renumbered, keeps no stale series beside its successor), its codes
    for a département or regional file; for each of its indicators, the years it covers. A
    block within those years is deleted (one query per set of indicators sharing years), a
    block that reaches beyond them keeps its other years.
    """
    codes = data.get_column("geo_code").rle().struct.field("value").unique()
    areas = area_codes(codes, level).unique().sort().to_list()
    ranges = (
        data.group_by("indicator")
        .agg(first=pl.col("year").min(), last=pl.col("year").max())
        .group_by("first", "last")
        .agg(pl.col("indicator"))
        .sort("first", "last")
    )
    removed = 0
    for first, last, labels in ranges.iter_rows():
        overlapping = SeriesBlock.objects.filter(
            geo_level=level,
            area__in=areas,
            indicator_id__in=sorted(indicator_ids[label] for label in labels),
            first_year__lte=last,
            last_year__gte=first,
        )
        within = overlapping.filter(first_year__gte=first, last_year__lte=last)
        removed += within.aggregate(cells=Sum("size"))["cells"] or 0
        within.delete()
        for pk, *stored in overlapping.values_list("pk", *BLOCK_FIELDS):
            cells = decode([stored])
            kept = cells.filter(~pl.col("year").is_between(first, last))
            removed += cells.height - kept.height
            if kept.is_empty():
                SeriesBlock.objects.filter(pk=pk).delete()
                continue
            (block,) = encode(kept, level)
            SeriesBlock.objects.filter(pk=pk).update(**_fields(block))
    return removed


def _fields(block: Block) -> dict[str, object]:
    return {
        "first_year": block.first_year,
        "last_year": block.last_year,
        "size": block.size,
        "codes": block.codes,
        **dict(zip(ARRAYS, block.arrays, strict=True)),
    }


def _insert(blocks: list[SeriesBlock], progress: Progress) -> None:
    """Write new blocks: COPY on PostgreSQL (binary, the arrays as they are), else a prepared
    INSERT."""
    done = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SeriesBlock._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
        copy_sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)"
        # The psycopg cursor under Django's wrapper, in the import's transaction.
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            copy.set_types(list(_COPY_COLUMNS.values()))
            for block in blocks:
                copy.write_row([getattr(block, column) for column in _COPY_COLUMNS])
                done += 1
                if done % BATCH == 0 or done == len(blocks):
                    progress(f"Enregistrement : {100 * done // len(blocks)} %")
        return
    # One prepared INSERT run over the blocks: a quarter of bulk_create's time on SQLite, which
    # builds a statement of every batch's values.
    table = connection.ops.quote_name(SeriesBlock._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_COPY_COLUMNS))})"
    with connection.cursor() as cursor:
        for offset in range(0, len(blocks), BATCH):
            batch = blocks[offset : offset + BATCH]
            cursor.executemany(insert, [[getattr(b, c) for c in _COPY_COLUMNS] for b in batch])
            done += len(batch)
            progress(f"Enregistrement : {100 * done // len(blocks)} %")


def stored_values(level: str | None = None) -> pl.DataFrame:
    """Every stored value (of one level when given), one row each: `geo_level`, crimestats'
    layout with the published rate, and `edition_id`. For checks and tests: pages read
    through `figures.load_values`."""
    blocks = SeriesBlock.objects.order_by("geo_level", "area", "indicator__label", "edition_id")
    if level is not None:
        blocks = blocks.filter(geo_level=level)
    frames = [
        decode(list(blocks.filter(geo_level=found).values_list(*BLOCK_FIELDS))).with_columns(
            geo_level=pl.lit(found, pl.String)
        )
        for found in dict.fromkeys(blocks.values_list("geo_level", flat=True))
    ]
    if not frames:
        return decode([]).with_columns(geo_level=pl.lit(None, pl.String))
    return pl.concat(frames).sort("geo_level", "geo_code", "year", "indicator")


def write_values(frame: pl.DataFrame, edition: Edition, progress: Progress | None = None) -> None:
    """Store values in crimestats' layout (geo_code, year, indicator, state, count, population,
    dwellings, rate_per_1000) as blocks of `edition`, without replacing anything; the
    indicators must exist. For fixtures and imports alike."""
    indicator_ids = dict(Indicator.objects.values_list("label", "id"))
    _insert(
        [
            SeriesBlock(
                edition_id=edition.pk,
                geo_level=edition.geo_level,
                indicator_id=indicator_ids[block.indicator],
                area=block.area,
                **_fields(block),
            )
            for block in encode(frame, edition.geo_level)
        ],
        progress or _silent,
    )


def _silent(message: str) -> None:
    pass


def import_ssmsi(
    path: str | os.PathLike[str],
    *,
    source_name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one SSMSI file; `source_name` (default: the file name) carries the edition.

    Raises crimestats' SsmsiFormatError (line, column; a value the blocks refuse rolls the
    transaction back), or a DatabaseError that rolls the whole import back.
    """
    say = progress or _silent
    name = source_name or Path(path).name
    say("Lecture et vérification du fichier…")
    read = prefetch.take(path, name)  # read while Django started (stspd import-ssmsi FILE)
    if read is None:
        try:
            payload = Path(path).read_bytes()
        except OSError as exc:
            raise SsmsiFormatError(name, None, None, f"fichier illisible ({exc})") from exc
        # Categories for the indicator and the state: packing the blocks reads their numbers.
        read = (
            hashlib.sha256(payload).hexdigest(),
            read_ssmsi(payload, source_name=name, compact=True),
        )
        del payload
    sha256, parsed = read
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

    codes = data.get_column("geo_code")
    # A national file is ~5 million rows listed code after code: each code is looked up once,
    # and nothing is copied when every code is known.
    distinct = codes.rle().struct.field("value").unique()
    unknown_codes = distinct.filter(~distinct.is_in(_known_codes(level)))
    kept = data
    if len(unknown_codes):
        unknown = codes.is_in(unknown_codes.implode())
        report.unknown_rows = int(unknown.sum())
        kept = data.filter(~unknown)
    report.unknown_codes = sorted(unknown_codes.to_list())
    states = dict(kept.get_column("state").value_counts().iter_rows())
    report.stored = kept.height
    report.published = states.get("published", 0)
    report.zero = states.get("zero", 0)
    report.suppressed = states.get("suppressed", 0)

    say("Mise en blocs des valeurs…")
    # numpy and polars release Python's lock: the values are packed on one thread while the
    # database work before the writing (indicators, edition, removal of the previous
    # values) runs on this one. A value the blocks refuse rolls the transaction back.
    with ThreadPoolExecutor(max_workers=1) as packer:
        packing = packer.submit(encode, kept, level)
        del kept
        with transaction.atomic():
            indicator_ids = _sync_indicators()
            edition = _save_edition(parsed, sha256, report)
            report.edition_id = edition.pk
            say("Remplacement des valeurs des éditions précédentes…")
            report.replaced = _replace(data, level, indicator_ids)
            try:
                blocks = packing.result()
            except BlockError as exc:
                raise SsmsiFormatError(name, None, None, str(exc)) from exc
            _insert(
                [
                    SeriesBlock(
                        edition_id=edition.pk,
                        geo_level=level,
                        indicator_id=indicator_ids[block.indicator],
                        area=block.area,
                        **_fields(block),
                    )
                    for block in blocks
                ],
                say,
            )
            record(
                None,
                "updated" if report.same_file_again else "created",
                edition,
                label=f"Édition SSMSI {edition.source_name}",
                changes={"valeurs enregistrées": ["", str(report.stored)]},
            )
    return report
