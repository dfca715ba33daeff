"""Import an SSMSI recorded-crime file (communes, départements or regions) into the observatory.

Parsing and every check are crimestats' (`read_ssmsi`); this module stores the result as blocks
of series (`SeriesBlock`, packed by `blocks.encode`: one row per indicator and area, about 1,600
for a national communal file of 5.2 million values). One transaction per file: exactly the cells
the file carries (territory x indicator x year, at its level) are removed from the stored blocks,
whatever their edition, and the file's blocks written (COPY on PostgreSQL, a prepared INSERT
elsewhere); every other stored value stays where it is. A stored block the file's grid covers
whole (a national re-import) is deleted without being read; any other block of the file's areas
and indicators is decoded, loses the carried cells and is written back. Codes absent from the
territory reference are reported, not stored; a file that would store nothing is refused.
Re-importing the same file leaves the same values.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from crimestats import french
from crimestats.labels import INDICATORS, LABEL_TABLE_VERSION
from crimestats.ssmsi import ParsedFile, SsmsiFormatError, read_ssmsi
from stspd.audit.events import record
from stspd.territories.models import Commune, Departement, FormerCommuneCode, Region

from .blocks import (
    ARRAYS,
    BLOCK_FIELDS,
    BLOCK_STATES,
    ENCODED_COLUMNS,
    LOWER_BOUND,
    Block,
    BlockError,
    area_codes,
    decode,
    encode,
)
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
    lower_bound: int = 0
    replaced: int = 0
    unknown_rows: int = 0
    unknown_codes: list[str] = field(default_factory=list)
    # Former commune code of the file -> the current commune its values were added to.
    merged: dict[str, str] = field(default_factory=dict)
    merged_names: dict[str, str] = field(default_factory=dict)  # current code -> name
    merged_rows: int = 0
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
        ]
        if self.merged:
            lines.append(
                f"    bornes inférieures (« au moins » : commune fusionnée dont une partie n'est "
                f"pas diffusée) : {french.number(self.lower_bound)}"
            )
        lines.append(f"  valeurs déjà en base remplacées : {french.number(self.replaced)}")
        if self.merged:
            pairs = [
                f"{former} → {current} {self.merged_names.get(current, '')}".rstrip()
                for former, current in sorted(self.merged.items())
            ]
            shown = ", ".join(pairs[:30])
            if len(pairs) > 30:
                shown += f" et {len(pairs) - 30} autres"
            lines.append(
                f"  communes fusionnées depuis la géographie du fichier, valeurs additionnées à "
                f"celles de la commune actuelle : {french.number(len(pairs))} (lignes regroupées : "
                f"{french.number(self.merged_rows)}) : {shown}"
            )
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


def _former_codes() -> dict[str, tuple[str, str]]:
    """Former commune code -> (code, name) of the current commune that took it over."""
    quote = connection.ops.quote_name
    former, commune = FormerCommuneCode._meta.db_table, Commune._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.{quote('code')}, c.{quote('code')}, c.{quote('name')} "
            f"FROM {quote(former)} f JOIN {quote(commune)} c "
            f"ON c.{quote('id')} = f.{quote('commune_id')}"
        )
        return {code: (current, name) for code, current, name in cursor.fetchall()}


def _merge_former_communes(data: pl.DataFrame, mapping: dict[str, str]) -> pl.DataFrame:
    """The file's values with those of former communes (`mapping`: former code -> current code)
    added to their current commune's, cell by cell (territory x indicator x year).

    The parts of a current commune are its own code and its former codes that the file lists.
    Their sum follows the states: every part published or zero gives their sum, published if
    it is above 0, zero otherwise (zero + zero = zero, published + zero = published); a part
    suppressed, or without a row for that indicator and year, makes the sum a lower bound
    ("au moins" the known parts' count, no rate) when some part is known, and suppressed when
    none is. Population and dwellings are summed when every part has them. The file's published
    rates are not carried over to a sum (none was published for it): pages compute rates from
    counts and denominators. Every other row is kept as it is.
    """
    parts_of: dict[str, set[str]] = {}
    for former, current in mapping.items():
        parts_of.setdefault(current, {current}).add(former)
    codes = pl.Series([c for parts in parts_of.values() for c in parts], dtype=pl.String)
    in_merge = pl.col("geo_code").is_in(codes.implode())
    rest = data.filter(~in_merge)
    expected = pl.DataFrame(
        {"geo_code": list(parts_of), "_expected": [len(p) for p in parts_of.values()]},
        schema={"geo_code": pl.String, "_expected": pl.UInt32},
    )
    state = pl.col("state").cast(pl.String)
    summed = (
        data.filter(in_merge)
        .with_columns(pl.col("geo_code").replace(mapping))
        .group_by("geo_code", "year", "indicator")
        .agg(
            pl.col("geo_level", "unit", "denominator_kind").first(),
            _parts=pl.len(),
            _known=(state != "suppressed").sum(),
            count=pl.col("count").sum(),  # nulls (suppressed parts) left out
            population=pl.when(pl.col("population").null_count() == 0).then(
                pl.col("population").sum()
            ),
            dwellings=pl.when(pl.col("dwellings").null_count() == 0).then(
                pl.col("dwellings").sum()
            ),
        )
        .join(expected, on="geo_code")
    )
    complete = (pl.col("_parts") == pl.col("_expected")) & (pl.col("_known") == pl.col("_parts"))
    merged_state = (
        pl.when(pl.col("_known") == 0)
        .then(pl.lit("suppressed"))
        .when(~complete)
        .then(pl.lit(LOWER_BOUND))
        .when(pl.col("count") > 0)
        .then(pl.lit("published"))
        .otherwise(pl.lit("zero"))
    )
    merged = (
        summed.with_columns(state=merged_state.cast(pl.Enum(BLOCK_STATES)))
        .with_columns(
            count=pl.when(pl.col("state") != "suppressed").then(pl.col("count")),
            population=pl.when(pl.col("_parts") == pl.col("_expected")).then("population"),
            dwellings=pl.when(pl.col("_parts") == pl.col("_expected")).then("dwellings"),
            rate_per_1000=pl.lit(None, pl.Float64),
        )
        .select(pl.col(c).cast(data.schema[c]) if c != "state" else pl.col(c) for c in data.columns)
        .sort("geo_code", "year", "indicator")
    )
    together = pl.concat([rest.cast({"state": pl.Enum(BLOCK_STATES)}), merged])
    # Listed territory after territory again, as an official file: packing and the check of
    # the file's grid read the codes as runs.
    return together.sort("geo_code", maintain_order=True)


# Level -> (none of several territories is known, the file's only territory is unknown).
_NONE_KNOWN = {
    GeoLevel.COMMUNE: (
        "aucune des {n} communes du fichier n'est",
        "la seule commune du fichier n'est pas",
    ),
    GeoLevel.DEPARTEMENT: (
        "aucun des {n} départements du fichier n'est",
        "le seul département du fichier n'est pas",
    ),
    GeoLevel.REGION: (
        "aucune des {n} régions du fichier n'est",
        "la seule région du fichier n'est pas",
    ),
}


def _refuse_nothing_to_store(parsed: ParsedFile, kept: pl.DataFrame, report: ImportReport) -> None:
    """Refuse a file that would store nothing: no data row, or only unknown territories.

    Why refuse rather than record an empty edition? Because such a file is a mistake (a wrong
    extract, a file of another level, a reference not loaded) that an "importée" report with
    zero values would hide.
    """
    name = parsed.source_name
    if parsed.data.is_empty():
        raise SsmsiFormatError(
            name,
            2,
            None,
            "aucune ligne de données après l'en-tête : une ligne par territoire, année et "
            "indicateur est attendue ; rien n'a été importé",
        )
    if not kept.is_empty():
        return
    codes = report.unknown_codes
    shown = ", ".join(codes[:10]) + (f" et {len(codes) - 10} autres" if len(codes) > 10 else "")
    several, only = _NONE_KNOWN[GeoLevel(parsed.geo_level)]
    which = several.format(n=french.number(len(codes))) if len(codes) > 1 else only
    raise SsmsiFormatError(
        name,
        None,
        parsed.geo_column or None,
        f"{which} dans le référentiel ({shown}) : rien n'a été importé. "
        "Chargez le référentiel des territoires (stspd import-cog) ou vérifiez que le fichier "
        "est du bon niveau géographique",
    )


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
        "lower_bound": report.lower_bound,
        "unknown_rows": report.unknown_rows,
        "unknown_codes": report.unknown_codes,
        "merged_codes": report.merged,
    }
    edition, created = Edition.objects.update_or_create(sha256=sha256, defaults=values)
    report.same_file_again = not created
    return edition


@dataclass(frozen=True)
class _Carried:
    """The cells a file carries, in the terms the stored blocks can be compared with."""

    areas: dict[str, frozenset[str]]  # area -> the file's territory codes in it
    indicators: list[str]
    first_year: int
    last_year: int
    # Every territory of the file has a value for every indicator of the file and every year
    # from first_year to last_year (an official file's grid): a stored block whose codes and
    # years fall inside is then replaced whole, without reading its arrays.
    full_grid: bool


def _carried(data: pl.DataFrame, level: str) -> _Carried:
    """What `data` (one row per territory, year and indicator, no duplicate) carries.

    A national file is ~5 million rows listed territory after territory: the grid is checked
    on the runs of equal codes, without grouping the rows.
    """
    runs = data.get_column("geo_code").rle()
    values, lengths = runs.struct.field("value"), runs.struct.field("len")
    in_runs = bool((values.slice(1) > values.slice(0, values.len() - 1)).all())
    distinct = values if in_runs else values.unique()
    years = data.get_column("year")
    first, last = int(years.min()), int(years.max())  # type: ignore[arg-type]  # polars types min()/max() as PythonLiteral | None; `data` is a non-empty integer column (refused when empty)
    indicators = data.get_column("indicator").unique().cast(pl.String).to_list()
    n_years = years.n_unique()
    full_grid = (
        in_runs
        and n_years == last - first + 1
        and bool((lengths == n_years * len(indicators)).all())
    )
    areas: dict[str, set[str]] = {}
    for area, code in zip(area_codes(distinct, level).to_list(), distinct.to_list(), strict=True):
        areas.setdefault(area, set()).add(code)
    return _Carried(
        areas={area: frozenset(codes) for area, codes in areas.items()},
        indicators=sorted(indicators),
        first_year=first,
        last_year=last,
        full_grid=full_grid,
    )


@dataclass
class _Removal:
    """What `_remove_carried` did, and the cells of the importing edition's own earlier blocks
    that the file no longer carries (they go into its new blocks)."""

    removed: int = 0
    own_leftovers: pl.DataFrame | None = None


def _remove_carried(
    data: pl.DataFrame,
    carried: _Carried,
    level: str,
    indicator_ids: dict[str, int],
    edition_id: int,
) -> _Removal:
    """Remove from the stored blocks, whatever their edition, exactly the cells `data` carries
    (territory x indicator x year); every other stored cell stays in its block.

    A block whose every possible cell is carried (its codes and years inside the file's full
    grid: a national re-import) is deleted without reading its arrays; any other block of the
    file's areas and indicators is decoded, loses the carried cells and is written back, or
    deleted when nothing is left.
    """
    result = _Removal()
    ids = {indicator_ids[label]: label for label in carried.indicators}
    stored = SeriesBlock.objects.filter(
        geo_level=level, area__in=sorted(carried.areas), indicator_id__in=sorted(ids)
    ).values_list("pk", "first_year", "last_year", "size", "area", "codes")
    whole: list[int] = []
    partial: list[int] = []
    parsed: dict[str, frozenset[str]] = {}  # the blocks of one area share their codes
    for pk, first, last, size, area, codes in stored.iterator(chunk_size=2000):
        if carried.full_grid and carried.first_year <= first and last <= carried.last_year:
            block_codes = parsed.get(codes)
            if block_codes is None:
                block_codes = parsed[codes] = frozenset(codes.split(" "))
            if block_codes <= carried.areas[area]:
                whole.append(pk)
                result.removed += size
                continue
        partial.append(pk)
    for offset in range(0, len(whole), 500):  # SQLite's limit of parameters per query
        SeriesBlock.objects.filter(pk__in=whole[offset : offset + 500]).delete()
    if not partial:
        return result

    rows = list(
        SeriesBlock.objects.filter(pk__in=partial)
        .order_by("pk")
        .values_list("pk", "area", *BLOCK_FIELDS)
    )
    cells = decode([row[2:] for row in rows])
    keys = data.select(
        pl.col("geo_code"), pl.col("year"), pl.col("indicator").cast(pl.String)
    ).join(cells.select("geo_code").unique(), on="geo_code", how="semi")
    left = cells.join(keys, on=["geo_code", "year", "indicator"], how="anti")
    result.removed += cells.height - left.height
    # Each stored block is rewritten from what is left of it: re-encoded per edition (a block
    # is one edition, area and indicator).
    rewritten: dict[tuple[int, str, str], Block] = {}
    for (edition,), cells_left in left.partition_by("edition_id", as_dict=True).items():
        if edition == edition_id:
            result.own_leftovers = cells_left
            continue
        for packed in encode(cells_left, level):
            rewritten[(int(edition), packed.area, packed.indicator)] = packed
    for pk, area, edition, label, *_ in rows:
        left_block = rewritten.get((edition, area, label))
        if left_block is None:
            SeriesBlock.objects.filter(pk=pk).delete()
        else:
            SeriesBlock.objects.filter(pk=pk).update(**_fields(left_block))
    return result


def _with_leftovers(
    blocks: list[Block],
    data: pl.DataFrame,
    leftovers: pl.DataFrame,
    carried: _Carried,
    level: str,
) -> list[Block]:
    """The file's blocks, those of the areas and indicators where the edition's own earlier
    blocks kept cells the file no longer carries (the same file imported again after a change
    of the reference) packed again with those cells: one block per edition, area and
    indicator, and no stored value lost."""
    pairs = {(block.area, block.indicator) for block in encode(leftovers, level)}
    codes = sorted({code for area, _ in pairs for code in carried.areas.get(area, ())})
    labels = sorted({label for _, label in pairs})
    columns = [*ENCODED_COLUMNS]
    mine = data.filter(
        pl.col("geo_code").is_in(pl.Series(codes, dtype=pl.String).implode()),
        pl.col("indicator").cast(pl.String).is_in(pl.Series(labels, dtype=pl.String).implode()),
    ).select(pl.col(c).cast(leftovers.schema[c]) for c in columns)
    together = encode(pl.concat([mine, leftovers.select(columns)]), level)
    return [b for b in blocks if (b.area, b.indicator) not in pairs] + [
        b for b in together if (b.area, b.indicator) in pairs
    ]


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
    try:
        payload = Path(path).read_bytes()
    except OSError as exc:
        raise SsmsiFormatError(name, None, None, f"fichier illisible ({exc})") from exc
    sha256 = hashlib.sha256(payload).hexdigest()
    # Categories for the indicator and the state: packing the blocks reads their numbers.
    parsed = read_ssmsi(payload, source_name=name, compact=True)
    del payload
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
    # Codes of communes merged since the file's geography are not unknown: their values go to
    # the current commune (docs/decisions.md).
    former = _former_codes() if level == "commune" else {}
    found_former = distinct.filter(distinct.is_in(list(former)))
    unknown_codes = distinct.filter(
        ~distinct.is_in(_known_codes(level)) & ~distinct.is_in(found_former)
    )
    kept = data
    if len(unknown_codes):
        unknown = codes.is_in(unknown_codes.implode())
        report.unknown_rows = int(unknown.sum())
        kept = data.filter(~unknown)
    report.unknown_codes = sorted(unknown_codes.to_list())
    _refuse_nothing_to_store(parsed, kept, report)
    if len(found_former):
        report.merged = {code: former[code][0] for code in sorted(found_former.to_list())}
        report.merged_names = {former[code][0]: former[code][1] for code in report.merged}
        report.merged_rows = int(codes.is_in(found_former).sum())
        kept = _merge_former_communes(kept, report.merged)
    states = dict(kept.get_column("state").value_counts().iter_rows())
    report.stored = kept.height
    report.published = states.get("published", 0)
    report.zero = states.get("zero", 0)
    report.suppressed = states.get("suppressed", 0)
    report.lower_bound = states.get(LOWER_BOUND, 0)

    carried = _carried(kept, level)
    say("Mise en blocs des valeurs…")
    # On this thread, before the transaction: a value the blocks refuse changes nothing. Why
    # not on a second thread beside the database work, as before? Because that thread
    # imported modules (numpy.ma) while this one ran Django's code: two threads importing at
    # once is the race that crashed `stspd import-ssmsi` at start-up (docs/decisions.md).
    try:
        blocks = encode(kept, level)
    except BlockError as exc:
        raise SsmsiFormatError(name, None, None, str(exc)) from exc
    with transaction.atomic():
        indicator_ids = _sync_indicators()
        edition = _save_edition(parsed, sha256, report)
        report.edition_id = edition.pk
        say("Remplacement des valeurs que le fichier porte…")
        try:
            removal = _remove_carried(kept, carried, level, indicator_ids, edition.pk)
            if removal.own_leftovers is not None:
                blocks = _with_leftovers(blocks, kept, removal.own_leftovers, carried, level)
        except BlockError as exc:
            raise SsmsiFormatError(name, None, None, str(exc)) from exc
        report.replaced = removal.removed
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
