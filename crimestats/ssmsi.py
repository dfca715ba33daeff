"""Reader and writer of the SSMSI recorded-crime files.

Source: "Bases statistiques communale, départementale et régionale de la délinquance enregistrée
par la police et la gendarmerie nationales", Ministère de l'Intérieur (SSMSI), data.gouv.fr dataset
``621df2954fa5a3b5a023e23c``, Licence Ouverte 2.0. Two schemas:

- v1 (editions July 2022 to July 2024), communal header
  ``CODGEO_2023;annee;classe;unité.de.compte;valeur.publiée;faits;tauxpourmille;complementinfoval;
  complementinfotaux;POP;millPOP;LOG;millLOG``, two-digit years, ``valeur.publiée`` in
  {``diff``, ``ndiff``}; département header
  ``classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;
  tauxpourmille``;
- v2 (from March 2025), communal header ``CODGEO_2025;annee;indicateur;unite_de_compte;nombre;
  taux_pour_mille;est_diffuse;insee_pop;insee_pop_millesime;insee_log;insee_log_millesime;
  complement_info_nombre;complement_info_taux``, four-digit years; département header
  ``Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;insee_pop;
  insee_pop_millesime;insee_log;insee_log_millesime``.

Both use ``;``, UTF-8 (sometimes with a BOM), a decimal comma (quoted in v2), ``NA`` for missing
values, and come as csv, csv.gz or parquet. The geography column's suffix is the COG year.

Rules encoded (statistical secrecy): every value is ``published``, ``zero`` (a published 0, a
real zero) or ``suppressed`` (``ndiff``: not published because the commune had 5 facts or fewer in
3 successive years). A suppressed value has a null count and a null rate, never 0; the
``complement_info_*`` columns (département average over suppressed communes) are not the
commune's value and are not read.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal

import polars as pl

from crimestats.labels import INDICATORS, UNITS, UnknownLabelError, canonical_label
from crimestats.states import STORED

__all__ = [
    "COMPACT_SCHEMA",
    "OUTPUT_SCHEMA",
    "STATES",
    "V2_COMMUNAL_HEADER",
    "FileFormat",
    "GeoLevel",
    "ParsedFile",
    "SsmsiFormatError",
    "State",
    "read_ssmsi",
    "write_v2_communal",
]

GeoLevel = Literal["commune", "departement", "region"]
State = Literal["published", "zero", "suppressed"]
FileFormat = Literal["csv", "csv.gz", "parquet"]

OUTPUT_SCHEMA: Final = pl.Schema(
    {
        "geo_level": pl.String,
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
    }
)
"""Columns and types of :attr:`ParsedFile.data`."""

STATES: Final = tuple(state.value for state in STORED)
"""The three states of a value, in the order of :data:`COMPACT_SCHEMA`'s ``state`` categories."""

COMPACT_SCHEMA: Final = pl.Schema(
    {
        **OUTPUT_SCHEMA,
        "geo_level": pl.Enum(("commune", "departement", "region")),
        "indicator": pl.Enum(sorted(INDICATORS)),
        "unit": pl.Enum(UNITS),
        "denominator_kind": pl.Enum(("inhabitants", "dwellings")),
        "state": pl.Enum(STATES),
    }
)
"""Columns and types of :attr:`ParsedFile.data` read with ``compact=True``: the same values,
the text columns of few distinct values as categories (one byte a row instead of sixteen)."""
_TEXT_COLUMNS: Final = [
    name for name, dtype in COMPACT_SCHEMA.items() if dtype != OUTPUT_SCHEMA[name]
]

V2_COMMUNAL_HEADER: Final = (
    "CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux"
)

_OFFICIAL_HEADERS: Final = {
    "v2 communal": V2_COMMUNAL_HEADER,
    "v2 départemental": (
        "Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;"
        "insee_pop;insee_pop_millesime;insee_log;insee_log_millesime"
    ),
    "v1 communal": (
        "CODGEO_2023;annee;classe;unité.de.compte;valeur.publiée;faits;tauxpourmille;"
        "complementinfoval;complementinfotaux;POP;millPOP;LOG;millLOG"
    ),
    "v1 départemental": (
        "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;"
        "tauxpourmille"
    ),
}

# Role -> (normalised header, official spelling), per schema version.
_V1_COLUMNS: Final = {
    "year": ("annee", "annee"),
    "label": ("classe", "classe"),
    "unit": ("unite.de.compte", "unité.de.compte"),
    "flag": ("valeur.publiee", "valeur.publiée"),
    "count": ("faits", "faits"),
    "rate": ("tauxpourmille", "tauxpourmille"),
    "population": ("pop", "POP"),
    "dwellings": ("log", "LOG"),
}
_V2_COLUMNS: Final = {
    "year": ("annee", "annee"),
    "label": ("indicateur", "indicateur"),
    "unit": ("unite_de_compte", "unite_de_compte"),
    "flag": ("est_diffuse", "est_diffuse"),
    "count": ("nombre", "nombre"),
    "rate": ("taux_pour_mille", "taux_pour_mille"),
    "population": ("insee_pop", "insee_pop"),
    "dwellings": ("insee_log", "insee_log"),
}
_GEO_COLUMNS: Final = {
    1: {
        "departement": ("code.departement", "Code.département"),
        "region": ("code.region", "Code.région"),
    },
    2: {
        "departement": ("code_departement", "Code_departement"),
        "region": ("code_region", "Code_region"),
    },
}
_CODGEO: Final = re.compile(r"^codgeo_(\d{4})$")

_PUBLISHED_FLAGS: Final = ("diff", "true", "vrai", "oui", "1")
_SUPPRESSED_FLAGS: Final = ("ndiff", "false", "faux", "non", "0")

_GEO_PATTERNS: Final[dict[GeoLevel, tuple[str, str]]] = {
    "commune": (r"^(\d{5}|2[AB]\d{3})$", "code commune INSEE sur 5 caractères (ex. 01004, 2A004)"),
    "departement": (r"^(\d{2}|2[AB]|97\d)$", "code de département (ex. 01, 2A, 971)"),
    "region": (r"^\d{2}$", "code de région sur 2 chiffres (ex. 28)"),
}


class SsmsiFormatError(ValueError):
    """A file does not follow the SSMSI layout; the message is in French for the user.

    ``line`` is 1-based and counts the header as line 1 (``None`` when the whole file is at
    fault); ``column`` is the column as spelled in the official files.
    """

    def __init__(self, source: str, line: int | None, column: str | None, detail: str) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.detail = detail
        where = [source]
        if line is not None:
            where.append(f"ligne {line}")
        if column is not None:
            where.append(f"colonne « {column} »")
        super().__init__(f"{', '.join(where)} : {detail}")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A parsed SSMSI file and its edition.

    ``data`` has the columns of :data:`OUTPUT_SCHEMA` (:data:`COMPACT_SCHEMA` when read with
    ``compact=True``). The edition metadata (file name,
    production date, COG year) must be kept with every stored value: a new edition re-projects
    the whole history on a new geography and replaces the series it covers.
    """

    data: pl.DataFrame
    source_name: str
    production_date: date | None
    cog_year: int | None
    last_data_year: int | None
    schema_version: Literal[1, 2]
    geo_level: GeoLevel
    file_format: FileFormat
    geo_column: str = ""
    """The territory column as the file's header spells it (``CODGEO_2024``,
    ``Code_departement``...): what a message about the file's territories names."""


@dataclass(frozen=True, slots=True)
class _Layout:
    schema_version: Literal[1, 2]
    geo_level: GeoLevel
    cog_year: int | None
    # role -> (index in the header, official spelling)
    columns: Mapping[str, tuple[int, str]]


def read_ssmsi(
    source: str | os.PathLike[str] | bytes,
    *,
    source_name: str | None = None,
    compact: bool = False,
) -> ParsedFile:
    """Read an SSMSI communal, département or regional file (schema v1 or v2).

    ``source`` is a path or the file's bytes; csv, csv.gz and parquet are recognised by their
    content. ``source_name`` (default: the path's file name) names the file in error messages and
    carries the edition: ``produit-le2023-07-17`` gives the production date, ``geographie2023``
    the COG year of département and regional files, ``data.gouv-2022`` the last year of data.
    ``compact``: the text columns of few distinct values (level, indicator, unit, denominator,
    state) as categories (:data:`COMPACT_SCHEMA`), for a national file's 5 million rows.

    Raises :class:`SsmsiFormatError` naming the line, the column and what was expected.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        payload = bytes(source)
        name = source_name or "fichier SSMSI"
    else:
        path = Path(source)
        name = source_name or path.name
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise SsmsiFormatError(name, None, None, f"fichier illisible ({exc})") from exc

    file_format: FileFormat
    if payload[:4] == b"PAR1":
        file_format = "parquet"
        raw, layout = _read_parquet(payload, name)
        data = _compact(_parse(raw, layout, name))
    else:
        gz = payload[:2] == b"\x1f\x8b"
        file_format = "csv.gz" if gz else "csv"
        header, layout = _csv_header(_first_line(payload, name) if gz else payload, name)
        # polars decompresses and parses in one streaming pass: no half a gigabyte of text.
        fast = _parse_typed(_read_csv_typed(payload, len(header), layout), layout, name)
        if fast is None:
            # Anything unusual: read every field as text, and word the error if there is one.
            text = _gunzip(payload, name) if gz else payload
            data = _compact(_parse(_read_csv(text, header, layout, name), layout, name))
        else:
            data = fast
    if not compact:
        data = _expand(data)

    cog_year = layout.cog_year
    if cog_year is None:
        found = re.search(r"geographie(\d{4})", name)
        cog_year = int(found.group(1)) if found else None
    last_year = re.search(r"data\.gouv-(\d{4})", name)
    return ParsedFile(
        data=data,
        source_name=name,
        production_date=_production_date(name),
        cog_year=cog_year,
        last_data_year=int(last_year.group(1)) if last_year else None,
        schema_version=layout.schema_version,
        geo_level=layout.geo_level,
        file_format=file_format,
        geo_column=layout.columns["geo"][1],
    )


def _compact(data: pl.DataFrame) -> pl.DataFrame:
    return data.cast({name: COMPACT_SCHEMA[name] for name in _TEXT_COLUMNS})


def _expand(data: pl.DataFrame) -> pl.DataFrame:
    return data.cast({name: OUTPUT_SCHEMA[name] for name in _TEXT_COLUMNS})


def _production_date(name: str) -> date | None:
    found = re.search(r"produit-le(\d{4})-(\d{2})-(\d{2})", name)
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def _first_line(payload: bytes, name: str) -> bytes:
    """The start of a gzip file's text, up to its first line break: the header.

    Only that much is decompressed here (polars decompresses the rest as it parses); a start
    that does not decompress, or no line break at all, falls back to the whole file, whose
    errors :func:`_gunzip` words.
    """
    decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    text = b""
    step = 1 << 16
    try:
        for start in range(0, len(payload), step):
            text += decompressor.decompress(payload[start : start + step])
            if b"\n" in text:
                return text
            if decompressor.eof:
                break
    except zlib.error:
        pass
    return _gunzip(payload, name)


def _gunzip(payload: bytes, name: str) -> bytes:
    # One output buffer of the size the gzip trailer announces (ISIZE, the length modulo 2**32)
    # rather than a growing one joined at the end: half the peak memory on a national file.
    # Only the first member is read this way: a length that differs falls back to gzip's reader
    # (several members, or a truncated file, which it words below).
    announced = int.from_bytes(payload[-4:], "little")
    if 0 < announced <= 100 * len(payload):
        try:
            text = zlib.decompress(payload, zlib.MAX_WBITS | 16, announced)
        except zlib.error:
            pass
        else:
            if len(text) == announced:
                return text
    try:
        return gzip.decompress(payload)
    except (EOFError, OSError, zlib.error) as exc:
        decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        try:
            partial = decompressor.decompress(payload)
        except zlib.error:
            partial = b""
        line = partial.count(b"\n") + 1
        raise SsmsiFormatError(
            name,
            line,
            None,
            "fichier gzip tronqué ou corrompu, la décompression s'arrête à cette ligne : un "
            "fichier .csv.gz complet est attendu (téléchargement interrompu ?)",
        ) from exc


def _norm_header(text: str) -> str:
    text = text.strip().lstrip("\ufeff").strip().strip('"').strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _geo_columns_present(keys: list[str]) -> bool:
    geo = {key for levels in _GEO_COLUMNS.values() for key, _ in levels.values()}
    return any(_CODGEO.match(k) or k in geo for k in keys)


def _layout(header: list[str], name: str) -> _Layout:
    keys = [_norm_header(h) for h in header]
    version: Literal[1, 2] | None = 1 if "classe" in keys else 2 if "indicateur" in keys else None
    recognised = {"faits", "nombre"} & set(keys) or _geo_columns_present(keys)
    if version is None or not recognised:
        expected = " ; ".join(f"({kind}) {h}" for kind, h in _OFFICIAL_HEADERS.items())
        raise SsmsiFormatError(
            name,
            1,
            None,
            "en-tête non reconnu, ce fichier n'est pas une base SSMSI de la délinquance "
            f"enregistrée (colonnes trouvées : {', '.join(header)}). Colonnes attendues : "
            f"{expected}",
        )

    roles = _V1_COLUMNS if version == 1 else _V2_COLUMNS
    columns: dict[str, tuple[int, str]] = {}
    codgeo = [(i, m) for i, k in enumerate(keys) if (m := _CODGEO.match(k))]
    geo_keys = _GEO_COLUMNS[version]
    cog_year: int | None = None
    level: GeoLevel
    if len(codgeo) > 1:
        raise SsmsiFormatError(
            name,
            1,
            ", ".join(header[i] for i, _ in codgeo),
            "une seule colonne de géographie CODGEO_AAAA attendue",
        )
    if codgeo:
        index, match = codgeo[0]
        level, cog_year = "commune", int(match.group(1))
        columns["geo"] = (index, header[index].strip().lstrip("\ufeff"))
    elif geo_keys["departement"][0] in keys:
        level = "departement"
        columns["geo"] = (keys.index(geo_keys["departement"][0]), geo_keys["departement"][1])
    elif geo_keys["region"][0] in keys:
        level = "region"
        columns["geo"] = (keys.index(geo_keys["region"][0]), geo_keys["region"][1])
    else:
        wanted = f"CODGEO_AAAA, {geo_keys['departement'][1]} ou {geo_keys['region'][1]}"
        raise SsmsiFormatError(
            name, 1, wanted, f"colonne obligatoire manquante : une colonne de géographie ({wanted})"
        )

    missing = []
    for role, (key, official) in roles.items():
        if key in keys:
            columns[role] = (keys.index(key), official)
        elif role != "flag" or level == "commune":
            missing.append(official)
    if missing:
        raise SsmsiFormatError(
            name,
            1,
            ", ".join(missing),
            f"colonne(s) obligatoire(s) manquante(s) dans l'en-tête du schéma v{version} "
            f"{'communal' if level == 'commune' else level} : {', '.join(missing)}",
        )
    return _Layout(version, level, cog_year, columns)


def _csv_header(payload: bytes, name: str) -> tuple[list[str], _Layout]:
    end = payload.find(b"\n")
    first = payload if end < 0 else payload[:end]
    try:
        header_line = first.decode("utf-8").lstrip("\ufeff").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise SsmsiFormatError(name, 1, None, "encodage UTF-8 attendu") from exc
    if not header_line.strip():
        raise SsmsiFormatError(name, 1, None, "fichier vide : un en-tête SSMSI était attendu")
    if ";" not in header_line:
        for sep, label in ((",", "virgule"), ("\t", "tabulation"), ("|", "barre verticale")):
            if sep in header_line:
                raise SsmsiFormatError(
                    name,
                    1,
                    None,
                    f"séparateur « ; » attendu, l'en-tête est séparé par « {sep} » ({label}) : "
                    "le fichier a sans doute été réenregistré par un tableur",
                )
    try:
        header = next(csv.reader([header_line], delimiter=";", strict=True))
    except csv.Error as exc:
        raise SsmsiFormatError(
            name, 1, None, "en-tête illisible : guillemet mal placé ou retour chariot dans un nom"
        ) from exc
    return header, _layout(header, name)


def _read_csv(payload: bytes, header: list[str], layout: _Layout, name: str) -> pl.DataFrame:
    try:
        frame = pl.read_csv(
            payload,
            separator=";",
            has_header=True,
            infer_schema=False,
            quote_char='"',
            encoding="utf8",
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise _locate_csv_problem(payload, len(header), name, str(exc)) from exc
    # All columns are read so that polars checks every row's width; only ours are kept.
    names = frame.columns
    return frame.select(pl.col(names[i]).alias(role) for role, (i, _) in layout.columns.items())


# Roles the CSV reader parses itself on the fast path; the others stay text. Few distinct
# labels, units and flags: a category each, looked up once per distinct value.
_TYPED_ROLES: Final = {
    "label": pl.Categorical,
    "unit": pl.Categorical,
    "flag": pl.Categorical,
    "year": pl.Int16,
    "count": pl.Int64,
    "rate": pl.Float64,
    "population": pl.Float64,
    "dwellings": pl.Float64,
}


def _read_csv_typed(payload: bytes, width: int, layout: _Layout) -> pl.DataFrame | None:
    """The fast path: the file (csv or csv.gz) decompressed, split and its numbers parsed by
    polars in one streaming pass on every core (decimal comma, ``NA``), no text column kept
    but the territory's.

    At least as strict as the text path: it gives up (``None``) on anything unusual (a number
    it cannot read, a decimal count, a ragged line, a gzip it cannot read), and so does
    :func:`_parse_typed` on a failed check; the text path then reads the file again and words
    the error with its line and column.
    """
    names = [f"_{i}" for i in range(width)]
    dtypes: dict[str, pl.DataType] = dict.fromkeys(names, pl.String())
    for role, (index, _) in layout.columns.items():
        dtypes[names[index]] = _TYPED_ROLES.get(role, pl.String)()
    query = pl.scan_csv(
        payload,
        separator=";",
        has_header=True,
        new_columns=names,
        schema_overrides=dtypes,
        null_values=["NA"],
        decimal_comma=True,
        quote_char='"',
        encoding="utf8",
        truncate_ragged_lines=False,
        raise_if_empty=False,
    ).select(pl.col(names[index]).alias(role) for role, (index, _) in layout.columns.items())
    try:
        # Every column is parsed (no projection pushdown): polars then checks each row's width.
        return query.collect(
            engine="streaming", optimizations=pl.QueryOptFlags(projection_pushdown=False)
        )
    except (Exception, pl.exceptions.PanicException):
        # Any failure (a panic too: polars has panicked on some malformed numbers, found by
        # fuzzing; a truncated gzip is an OSError): the text path reads the file again.
        return None


def _category_table(column: pl.Series, function: Callable[[str], object]) -> list[object]:
    """``function`` of each category of ``column`` (few distinct values), in a list indexed by
    the categories' physical numbers: gathering it by those numbers maps every row."""
    found = column.unique().drop_nulls()
    numbers = found.to_physical().to_list()
    table: list[object] = [None] * (max(numbers, default=0) + 1)
    for number, value in zip(numbers, found.cast(pl.String).to_list(), strict=True):
        table[number] = function(value)
    return table


def _parse_typed(raw: pl.DataFrame | None, layout: _Layout, name: str) -> pl.DataFrame | None:
    """The checks and conversions of :func:`_parse` on the fast path's columns, vectorised, in
    the layout of :data:`COMPACT_SCHEMA`; ``None`` as soon as anything is unusual (the text
    path then words the error)."""
    try:
        return None if raw is None else _parse_fast(raw, layout)
    except pl.exceptions.PolarsError:
        return None


def _parse_fast(raw: pl.DataFrame, layout: _Layout) -> pl.DataFrame | None:
    if raw.height == 0 or raw.get_column("geo").null_count():
        return None  # an empty file, or a blank line: the text path knows what to say
    # Labels, units and flags: one look-up per distinct value, then gathers by category number.
    labels, units = raw.get_column("label"), raw.get_column("unit")
    if labels.null_count() or units.null_count():
        return None
    try:
        canonical = _category_table(labels, canonical_label)
    except UnknownLabelError:
        return None
    order = list(dict.fromkeys(c for c in canonical if c is not None))
    indicators = [INDICATORS[str(c)] for c in order]
    label_index = pl.Series(
        [None if c is None else order.index(str(c)) for c in canonical], dtype=pl.UInt8
    ).gather(labels.to_physical())
    # Units: lower-cased only (a padded value fails, and the text path strips it).
    unit_names: list[str] = list(dict.fromkeys(i.unit for i in indicators))
    unit_table = _category_table(
        units, lambda u: unit_names.index(u.lower()) if u.lower() in unit_names else len(unit_names)
    )
    unit_index = pl.Series(unit_table, dtype=pl.UInt8).gather(units.to_physical())
    expected_unit = pl.Series([unit_names.index(i.unit) for i in indicators], dtype=pl.UInt8)
    has_flag = "flag" in layout.columns
    if has_flag:
        flags = raw.get_column("flag")

        def flag_class(value: str) -> int:
            lowered = value.lower()
            return 0 if lowered in _PUBLISHED_FLAGS else 1 if lowered in _SUPPRESSED_FLAGS else 2

        flag_table = _category_table(flags, flag_class)
        if 2 in flag_table or flags.null_count():
            return None
        suppressed = pl.Series(flag_table, dtype=pl.UInt8).gather(flags.to_physical()) == 1
    else:
        # Without a flag column a missing count is a suppressed one.
        suppressed = raw.get_column("count").is_null()

    # Territory codes: checked once per run of equal codes (a file lists them code after code).
    geo = raw.get_column("geo")
    short = 4 if layout.geo_level == "commune" else 1
    if (geo.str.len_bytes() == short).any():  # a leading zero lost by a spreadsheet
        geo = pl.select(
            pl.when(geo.str.len_bytes() == short).then(geo.str.zfill(short + 1)).otherwise(geo)
        ).to_series()
    runs = geo.rle().struct.field("value")
    pattern = _GEO_PATTERNS[layout.geo_level][0]
    if not runs.str.contains(pattern).all():
        return None

    frame = raw.with_columns(
        geo=geo,
        _label=label_index,
        _unit=unit_index,
        _suppressed=suppressed,
        _year=pl.when(pl.col("year") < 100)
        .then(pl.col("year").cast(pl.Int32) + 2000)
        .otherwise(pl.col("year").cast(pl.Int32)),
    )
    count = pl.col("count")

    def invalid(role: str) -> pl.Expr:
        return (~pl.col(role).is_finite() | (pl.col(role) < 0)).fill_null(False)

    # Duplicates: none when each row comes after the previous one in (territory, year,
    # indicator in the order the file first lists them); otherwise every key is hashed below.
    listed = label_index.unique(maintain_order=True).to_list()
    rank = [0] * len(order)
    for position, number in enumerate(listed):
        rank[number] = position
    year_and_rank = (pl.col("_year") - pl.col("_year").min()) * len(order) + pl.lit(
        pl.Series(rank, dtype=pl.Int32)
    ).gather(pl.col("_label"))
    # One query: polars evaluates the checks in parallel.
    *bad, in_order = frame.select(
        pl.col("_year").is_null().any() | ~pl.col("_year").is_between(2000, 2100).all(),
        (pl.col("_unit") != pl.lit(expected_unit).gather(pl.col("_label"))).any(),
        (count < 0).any(),
        (~pl.col("_suppressed") & count.is_null()).any() if has_flag else pl.lit(False),
        *(invalid(role).any() for role in ("rate", "population", "dwellings")),
        ((pl.col("geo").rle_id().diff() != 0) | (year_and_rank.diff() > 0)).slice(1).all(),
    ).row(0)
    if any(bad):
        return None
    ordered = in_order and bool((runs.slice(1) > runs.slice(0, len(runs) - 1)).all())

    published = ~pl.col("_suppressed")

    def by_indicator(values: list[str], column: str) -> pl.Expr:
        return pl.lit(pl.Series(values, dtype=COMPACT_SCHEMA[column])).gather(pl.col("_label"))

    data = frame.select(
        geo_level=pl.lit(layout.geo_level, COMPACT_SCHEMA["geo_level"]),
        geo_code=pl.col("geo"),
        year=pl.col("_year"),
        indicator=by_indicator([i.label for i in indicators], "indicator"),
        unit=by_indicator([i.unit for i in indicators], "unit"),
        denominator_kind=by_indicator([i.denominator for i in indicators], "denominator_kind"),
        count=pl.when(published).then(count),
        state=pl.lit(pl.Series(STATES, dtype=COMPACT_SCHEMA["state"])).gather(
            pl.when(pl.col("_suppressed"))
            .then(pl.lit(2, pl.UInt8))
            .when(count == 0)
            .then(pl.lit(1, pl.UInt8))
            .otherwise(pl.lit(0, pl.UInt8))
        ),
        # INSEE dwelling counts are fractional in v1 (weighted census estimates).
        population=pl.col("population").round(0).cast(pl.Int64),
        dwellings=pl.col("dwellings").round(0).cast(pl.Int64),
        rate_per_1000=pl.when(published).then(pl.col("rate")),
    )
    if not ordered and _duplicated(data) is not None:
        return None
    return data


def _locate_csv_problem(payload: bytes, width: int, name: str, detail: str) -> SsmsiFormatError:
    """Find the first line polars could not read; a per-line loop only to word the error."""
    for number, raw_line in enumerate(io.BytesIO(payload), start=1):
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            return SsmsiFormatError(name, number, None, "encodage UTF-8 attendu")
        if number == 1 or not text.strip():
            continue
        line = text.rstrip("\r\n")
        try:
            fields = next(csv.reader([line], delimiter=";", strict=True))
        except csv.Error:
            fields = None
        if fields is None and '"' not in line:
            return SsmsiFormatError(
                name, number, None, "ligne illisible : retour chariot au milieu d'un champ"
            )
        if fields is None or line.count('"') % 2:
            # No SSMSI field spans lines: an odd number of quotes is a quote left open.
            return SsmsiFormatError(
                name,
                number,
                None,
                'guillemet « " » mal placé ou non refermé : un champ entre guillemets se '
                "termine par un guillemet suivi de « ; »",
            )
        if len(fields) > width:
            return SsmsiFormatError(
                name, number, None, f"{width} champs séparés par « ; » attendus, {len(fields)} lus"
            )
    return SsmsiFormatError(name, None, None, f"lecture CSV impossible ({detail})")


def _read_parquet(payload: bytes, name: str) -> tuple[pl.DataFrame, _Layout]:
    try:
        frame = pl.read_parquet(io.BytesIO(payload))
    except pl.exceptions.PolarsError as exc:
        raise SsmsiFormatError(name, None, None, f"fichier parquet illisible ({exc})") from exc
    layout = _layout(frame.columns, name)
    selected = [
        pl.col(frame.columns[i]).cast(pl.String).alias(role)
        for role, (i, _) in layout.columns.items()
    ]
    return frame.select(selected), layout


def _number(role: str) -> pl.Expr:
    return pl.col(role).str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


def _parse(raw: pl.DataFrame, layout: _Layout, name: str) -> pl.DataFrame:
    """Check and convert the file's rows (every field read as text) and word the first error."""
    roles = list(layout.columns)
    official = {role: spelling for role, (_, spelling) in layout.columns.items()}
    clean = (
        raw.lazy()
        .with_row_index("_line", offset=2)
        .with_columns(pl.col(r).str.strip_chars() for r in roles)
        .with_columns(pl.col(r).replace(["NA", ""], None) for r in roles)
        .collect()
    )
    # A blank line is not a row; the line numbers of the others stay those of the file.
    filled = clean.select(pl.any_horizontal(pl.col(r).is_not_null() for r in roles)).to_series()
    if not filled.all():
        clean = clean.filter(filled)

    mapping = _label_mapping(clean, official["label"], name)
    # Few distinct labels: look them up once each, then gather by the label's index.
    label_index = clean.get_column("label").cast(pl.Enum(list(mapping))).to_physical()
    indicators = [INDICATORS[label] for label in mapping.values()]
    lookups: dict[str, list[str]] = {
        "_indicator": [i.label for i in indicators],
        "_expected_unit": [i.unit for i in indicators],
        "_denominator": [i.denominator for i in indicators],
    }

    has_flag = "flag" in layout.columns
    unit = pl.col("unit").str.to_lowercase()
    flag = pl.col("flag").str.to_lowercase() if has_flag else pl.lit(None, pl.String)
    code = pl.col("geo").str.to_uppercase()
    if layout.geo_level == "commune":
        code = pl.when(code.str.contains(r"^\d{4}$")).then(code.str.zfill(5)).otherwise(code)
    else:
        code = pl.when(code.str.contains(r"^\d$")).then(code.str.zfill(2)).otherwise(code)
    year_number = pl.col("year").cast(pl.Float64, strict=False)
    year = pl.when(year_number < 100).then(year_number + 2000).otherwise(year_number)

    suppressed = (
        flag.is_in(_SUPPRESSED_FLAGS).fill_null(False) if has_flag else pl.col("count").is_null()
    )

    parsed = clean.with_columns(
        *(pl.Series(key, values, pl.String).gather(label_index) for key, values in lookups.items()),
        _geo_code=code,
        _year=year,
        _unit=unit,
        _suppressed=suppressed,
        _flag=flag,
        _count=_number("count"),
        _rate=_number("rate"),
        _population=_number("population"),
        _dwellings=_number("dwellings"),
    )

    _check(parsed, layout, official, name)

    count = pl.when(pl.col("_suppressed")).then(None).otherwise(pl.col("_count")).cast(pl.Int64)
    data = parsed.select(
        geo_level=pl.lit(layout.geo_level, pl.String),
        geo_code=pl.col("_geo_code"),
        year=pl.col("_year").cast(pl.Int32),
        indicator=pl.col("_indicator"),
        unit=pl.col("_expected_unit"),
        denominator_kind=pl.col("_denominator"),
        count=count,
        state=pl.when(pl.col("_suppressed"))
        .then(pl.lit("suppressed"))
        .when(pl.col("_count") == 0)
        .then(pl.lit("zero"))
        .otherwise(pl.lit("published")),
        # INSEE dwelling counts are fractional in v1 (weighted census estimates).
        population=pl.col("_population").round(0).cast(pl.Int64),
        dwellings=pl.col("_dwellings").round(0).cast(pl.Int64),
        rate_per_1000=pl.when(pl.col("_suppressed")).then(None).otherwise(pl.col("_rate")),
    )
    # The canonical indicators, numbered in the order the file first lists them.
    canonical = list(dict.fromkeys(mapping.values()))
    rank = pl.Series([canonical.index(c) for c in mapping.values()], dtype=pl.UInt32)
    _check_duplicates(data, parsed["_line"], official, name, rank.gather(label_index))
    return data


def _label_mapping(clean: pl.DataFrame, column: str, name: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for raw in clean.get_column("label").unique(maintain_order=True).to_list():
        if raw is None:
            line = clean.filter(pl.col("label").is_null()).get_column("_line")[0]
            raise SsmsiFormatError(name, line, column, "libellé d'indicateur attendu, vide ou NA")
        try:
            mapping[raw] = canonical_label(raw)
        except UnknownLabelError as exc:
            line = clean.filter(pl.col("label") == raw).get_column("_line")[0]
            raise SsmsiFormatError(name, line, column, str(exc)) from exc
    return mapping


def _invalid_number(number: str, role: str) -> pl.Expr:
    value = pl.col(number)
    return pl.col(role).is_not_null() & (value.is_null() | ~value.is_finite() | (value < 0))


def _check(parsed: pl.DataFrame, layout: _Layout, official: dict[str, str], name: str) -> None:
    """Run every row check in one vectorised pass and raise on the earliest bad line."""
    pattern, geo_expected = _GEO_PATTERNS[layout.geo_level]
    published = pl.col("_flag").is_in(_PUBLISHED_FLAGS).fill_null(False)
    count_missing = (
        published & pl.col("_count").is_null()
        if "flag" in layout.columns
        else pl.lit(False)  # without a flag column a missing count is a suppressed one
    )
    flags = ", ".join(f"« {f} »" for f in (*_PUBLISHED_FLAGS[:1], *_SUPPRESSED_FLAGS[:1]))
    checks: list[tuple[str, pl.Expr, str]] = [
        ("geo", ~pl.col("_geo_code").str.contains(pattern).fill_null(False), geo_expected),
        (
            "year",
            pl.col("_year").is_null()
            | (pl.col("_year") != pl.col("_year").floor())
            | ~pl.col("_year").is_between(2000, 2100),
            "année sur 2 ou 4 chiffres attendue (ex. 16 ou 2016)",
        ),
        (
            "unit",
            pl.col("_unit").is_null() | (pl.col("_unit") != pl.col("_expected_unit")),
            "unité de compte",
        ),
        (
            "flag",
            pl.col("flag").is_null() | ~pl.col("_flag").is_in(_PUBLISHED_FLAGS + _SUPPRESSED_FLAGS)
            if "flag" in layout.columns
            else pl.lit(False),
            f"indicateur de diffusion {flags} attendu",
        ),
        (
            "count",
            pl.col("count").is_not_null()
            & (pl.col("_count").is_null() | ~pl.col("_count").is_finite()),
            "nombre entier attendu (ou NA)",
        ),
        ("count", pl.col("_count") < 0, "nombre positif ou nul attendu"),
        (
            "count",
            pl.col("_count") != pl.col("_count").round(0),
            "nombre entier attendu, pas un nombre décimal",
        ),
        ("count", count_missing, "nombre attendu pour une valeur diffusée (diff)"),
        ("rate", _invalid_number("_rate", "rate"), "taux pour mille positif attendu (ou NA)"),
        (
            "population",
            _invalid_number("_population", "population"),
            "population positive attendue (ou NA)",
        ),
        (
            "dwellings",
            _invalid_number("_dwellings", "dwellings"),
            "nombre de logements positif attendu (ou NA)",
        ),
    ]
    first = parsed.select(
        pl.col("_line").filter(expr.fill_null(False)).first().alias(str(i))
        for i, (_, expr, _) in enumerate(checks)
    ).row(0)
    failures = [(line, i) for i, line in enumerate(first) if line is not None]
    if not failures:
        return
    line, index = min(failures)
    role, _, expected = checks[index]
    row = parsed.filter(pl.col("_line") == line).row(0, named=True)
    value = row[role]
    found = "NA ou vide" if value is None else f"« {value} »"
    if role == "unit":
        expected = (
            f"unité de compte « {row['_expected_unit']} » attendue pour « {row['_indicator']} »"
        )
    raise SsmsiFormatError(name, line, official[role], f"{expected} ; valeur lue : {found}")


def _check_duplicates(
    data: pl.DataFrame,
    lines: pl.Series,
    official: dict[str, str],
    name: str,
    indicator_rank: pl.Series | None = None,
) -> None:
    keys = ["geo_code", "year", "indicator"]
    if indicator_rank is not None and _strictly_increasing(data, indicator_rank):
        return
    duplicated = _duplicated(data)
    if duplicated is None:
        return
    framed = data.select(keys).with_columns(_line=lines)
    first_dup = framed.filter(duplicated).row(0, named=True)
    twins = framed.filter(
        (pl.col("geo_code") == first_dup["geo_code"])
        & (pl.col("year") == first_dup["year"])
        & (pl.col("indicator") == first_dup["indicator"])
    ).get_column("_line")
    first_line, second_line = int(twins[0]), int(twins[1])
    columns = ", ".join(official[r] for r in ("geo", "year", "label"))
    raise SsmsiFormatError(
        name,
        second_line,
        columns,
        f"ligne en double de la ligne {first_line} (territoire {first_dup['geo_code']}, année "
        f"{first_dup['year']}, indicateur « {first_dup['indicator']} ») : une seule ligne par "
        "territoire, année et indicateur attendue",
    )


def _duplicated(data: pl.DataFrame) -> pl.Series | None:
    """Which rows repeat another's (territory, year, indicator); ``None`` when none does."""
    # A hash per row first: cheap, and a collision only costs the exact check below.
    if data.select(pl.struct("geo_code", "year", "indicator").hash().n_unique()).item() == (
        data.height
    ):
        return None
    # One integer key per row: hashing it is several times faster than hashing a struct.
    geo = data.get_column("geo_code")
    geo_index = geo.cast(pl.Enum(geo.unique().drop_nulls())).to_physical().cast(pl.UInt64)
    indicator = data.get_column("indicator")
    if not isinstance(indicator.dtype, pl.Enum):
        indicator = indicator.cast(pl.Enum(indicator.unique()))
    indicator_index = indicator.to_physical().cast(pl.UInt64)
    year = data.get_column("year").cast(pl.UInt64)
    duplicated = (geo_index * 1_000_000 + year * 100 + indicator_index).is_duplicated()
    return duplicated if duplicated.any() else None


def _strictly_increasing(data: pl.DataFrame, indicator_rank: pl.Series) -> bool:
    """Whether each row's (territory, year, indicator) comes after the previous row's, the
    indicators taken in the order the file first lists them: then no row repeats another.

    Official files are laid out this way, and comparing each row with the previous one costs a
    fraction of hashing every key.
    """
    if data.height < 2:
        return True
    frame = data.select("geo_code", "year").with_columns(rank=indicator_rank)
    code, year, rank = (pl.col(c) for c in ("geo_code", "year", "rank"))
    after = (code > code.shift()) | (
        (code == code.shift())
        & ((year > year.shift()) | ((year == year.shift()) & (rank > rank.shift())))
    )
    return bool(frame.select(after.slice(1).all()).item())


def write_v2_communal(
    df: pl.DataFrame, path: str | os.PathLike[str], *, cog_year: int = 2025
) -> None:
    """Write commune rows in the official v2 communal layout (gzip when ``path`` ends in .gz).

    ``df`` has the columns of :data:`OUTPUT_SCHEMA` (``geo_level`` and ``unit`` optional);
    optional ``population_vintage``, ``dwellings_vintage``, ``complement_count`` and
    ``complement_rate`` fill ``insee_pop_millesime``, ``insee_log_millesime`` and
    ``complement_info_*``, written ``NA`` when absent. Layout: the header
    :data:`V2_COMMUNAL_HEADER` (with ``CODGEO_<cog_year>``), ``;``, decimals with a comma and
    quoted (``"2,4823480"``, seven decimals), ``NA`` for missing values, ``est_diffuse`` in
    {``diff``, ``ndiff``}, no BOM.
    """
    required = ["geo_code", "year", "indicator", "count", "state", "rate_per_1000"]
    required += ["population", "dwellings"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"colonnes manquantes pour écrire le fichier v2 : {', '.join(missing)}")
    if "geo_level" in df.columns and (df.get_column("geo_level") != "commune").any():
        raise ValueError("seules des lignes communales (geo_level = commune) s'écrivent en v2")
    suppressed = pl.col("state") == "suppressed"
    lost = df.filter(~suppressed & pl.col("count").is_null())
    if lost.height:
        raise ValueError(
            f"nombre manquant pour une valeur non secrétisée ({lost.row(0, named=True)})"
        )

    units = {label: ind.unit[:1].upper() + ind.unit[1:] for label, ind in INDICATORS.items()}

    def integer(column: str) -> pl.Expr:
        if column not in df.columns:
            return pl.lit("NA")
        return pl.col(column).cast(pl.Int64).cast(pl.String).fill_null("NA")

    def decimal(column: str) -> pl.Expr:
        if column not in df.columns:
            return pl.lit("NA")
        scaled = (pl.col(column).cast(pl.Float64) * 10_000_000).round(0).cast(pl.Int64)
        return pl.format(
            '"{},{}"',
            scaled // 10_000_000,
            (scaled % 10_000_000).cast(pl.String).str.zfill(7),
        ).fill_null("NA")

    out = df.select(
        pl.col("geo_code").alias(f"CODGEO_{cog_year}"),
        annee=pl.col("year").cast(pl.String),
        indicateur=pl.col("indicator"),
        unite_de_compte=pl.col("indicator").replace_strict(units, return_dtype=pl.String),
        nombre=pl.when(suppressed).then(pl.lit("NA")).otherwise(integer("count")),
        taux_pour_mille=pl.when(suppressed).then(pl.lit("NA")).otherwise(decimal("rate_per_1000")),
        est_diffuse=pl.when(suppressed).then(pl.lit("ndiff")).otherwise(pl.lit("diff")),
        insee_pop=integer("population"),
        insee_pop_millesime=integer("population_vintage"),
        insee_log=integer("dwellings"),
        insee_log_millesime=integer("dwellings_vintage"),
        complement_info_nombre=decimal("complement_count"),
        complement_info_taux=decimal("complement_rate"),
    )
    target = Path(path)
    gz = target.name.endswith(".gz")
    out.write_csv(
        target,
        separator=";",
        quote_style="never",
        compression="gzip" if gz else "uncompressed",
        compression_level=6 if gz else None,
    )
