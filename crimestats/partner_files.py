"""Partners' files (police municipale logbooks, landlords', transport and school incidents,
mediation activity): read a CSV or XLSX, drop the columns that name people, check every row
against a column mapping and return aggregated facts or the list of row errors.

Line numbers are those the partner sees in their spreadsheet: the header is line 1, the first
data row line 2. Every cell is kept as text once read (XLSX dates become ISO dates), so that the
table can be stored between the steps of an import and read again identically.

Nominative columns (a documented heuristic, on headers and on content): a column is dropped when
its header names a person's attribute (nom, prénom, name, auteur, victime, mis en cause,
plaignant, témoin, téléphone, e-mail, date de naissance, domicile, adresse of a person...) or when
most of its values look like person names ("Jean DUPONT", "DUPONT Jean"), e-mail addresses or
telephone numbers. A column of long free text (median above 50 characters) is dropped too: the
platform keeps aggregated facts, never narratives.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import math
import re
import statistics
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np

from crimestats.french import number as number_text
from crimestats.geo import locate

__all__ = [
    "ROLES",
    "ColumnMapping",
    "DroppedColumn",
    "Fact",
    "PartnerFileError",
    "RowError",
    "Table",
    "Territory",
    "Validation",
    "fold",
    "guess_roles",
    "nominative_reason",
    "parse_date",
    "read_csv",
    "read_partner_file",
    "read_xlsx",
    "validate",
]

Role = Literal["date", "category", "commune", "address", "lon", "lat", "count"]
ROLES: Final[dict[str, str]] = {
    "date": "Date",
    "category": "Catégorie",
    "commune": "Commune (code INSEE ou nom)",
    "address": "Adresse du lieu (code postal et commune)",
    "lon": "Longitude (WGS84)",
    "lat": "Latitude (WGS84)",
    "count": "Nombre de faits",
}
SEPARATORS: Final = (";", ",", "\t")
FREE_TEXT_MEDIAN: Final = 50
COORDINATE_DECIMALS: Final = 4  # about 10 m: a place, not a doorstep
# A row counts the facts of one category on one day at one place. Even a row that aggregates a
# month or a year of one category in a large city stays far below 100,000; "1e300" or
# 99,999,999,999 is a typing or export error, and would overflow the database's counts.
MAX_COUNT_PER_ROW: Final = 100_000
# A whole file: France records a few million offences a year, and the stored totals are 32-bit
# integers (at most 2,147,483,647): ten million facts in one partner's file is an error.
MAX_FACTS_PER_FILE: Final = 10_000_000


class PartnerFileError(ValueError):
    """The file cannot be read as a table: the message says why, in French."""


@dataclass(frozen=True)
class DroppedColumn:
    header: str
    reason: str

    @property
    def message(self) -> str:
        return f"colonne « {self.header} » ignorée : {self.reason}"


@dataclass
class Table:
    """A partner's table: headers, rows as (line number, cells as text), what was noticed."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    notices: list[str] = field(default_factory=list)
    dropped: list[DroppedColumn] = field(default_factory=list)

    def column(self, header: str) -> list[str]:
        index = self.headers.index(header)
        return [cells[index] for _, cells in self.rows]

    def as_json(self) -> dict[str, Any]:
        return {
            "headers": self.headers,
            "rows": [[line, *cells] for line, cells in self.rows],
            "notices": self.notices,
            "dropped": [[d.header, d.reason] for d in self.dropped],
        }

    def fingerprint(self) -> str:
        """SHA-256 of the headers and cells, not of the bytes: the same file re-saved with other
        line endings, another encoding, quotes or blank lines has the same fingerprint (its
        facts would be counted twice). Cells are compared trimmed and in Unicode NFC form."""
        content = [self.headers, *(cells for _, cells in self.rows)]
        normal = [[unicodedata.normalize("NFC", c.strip()) for c in cells] for cells in content]
        text = json.dumps(normal, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Table:
        return cls(
            headers=list(data["headers"]),
            rows=[(int(row[0]), [str(c) for c in row[1:]]) for row in data["rows"]],
            notices=list(data.get("notices", [])),
            dropped=[DroppedColumn(h, r) for h, r in data.get("dropped", [])],
        )


# Reading -------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key (the same rule as the commune search).

    >>> fold("  Saint-Étienne-du-Rouvray ")
    'saint etienne du rouvray'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).strip()


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index.

    >>> column_letter(0), column_letter(25), column_letter(27)
    ('A', 'Z', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_partner_file(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """Read a .csv or .xlsx file, by its name's extension, and drop nominative columns."""
    name = filename.lower()
    if name.endswith(".csv"):
        table = read_csv(data)
    elif name.endswith(".xlsx"):
        table = read_xlsx(data, sheet=sheet)
    else:
        raise PartnerFileError(
            f"« {filename} » : seuls les fichiers .csv et .xlsx sont acceptés "
            "(enregistrez le tableur au format CSV ou Excel .xlsx)."
        )
    return drop_nominative(table)


def read_csv(data: bytes) -> Table:
    """Read a CSV: `;`, `,` or tab separator, UTF-8 with or without BOM, else Windows-1252.

    >>> t = read_csv("date;catégorie\\n01/02/2026;Tapage\\n".encode())
    >>> t.headers, t.rows
    (['date', 'catégorie'], [(2, ['01/02/2026', 'Tapage'])])
    """
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-":
        raise PartnerFileError(
            "Ce fichier n'est pas un CSV (contenu binaire) : s'il s'agit d'un classeur Excel, "
            "déposez-le avec l'extension .xlsx."
        )
    notices = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notices.append(
            "Le fichier n'est pas encodé en UTF-8 : il a été lu en Windows-1252 (Latin-1). "
            "Vérifiez les accents dans l'aperçu."
        )
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PartnerFileError("Le fichier est vide ou sa première ligne (l'en-tête) est vide.")
    header_line = lines[0]
    separator = max(SEPARATORS, key=header_line.count)
    if header_line.count(separator) == 0:
        raise PartnerFileError(
            "Une seule colonne a été trouvée dans l'en-tête (ligne 1) : le séparateur de colonnes "
            "attendu est le point-virgule « ; », la virgule « , » ou la tabulation."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise PartnerFileError(f"CSV illisible ligne {reader.line_num} : {exc}.") from exc
    headers = [cell.strip() for cell in records[0]]
    rows = [(number, [c.strip() for c in cells]) for number, cells in enumerate(records, 1)][1:]
    return make_table(headers, rows, notices)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: dates in ISO form, whole numbers without '.0'.

    >>> cell_text(datetime.datetime(2026, 3, 1)), cell_text(3.0), cell_text(2.5), cell_text(None)
    ('2026-03-01', '3', '2.5', '')
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def read_xlsx(data: bytes, *, sheet: str | None = None) -> Table:
    """Read the first sheet (or the named one) of an .xlsx workbook, values not formulas.

    A header with merged cells is refused with the cells named: the columns under it cannot be
    told apart.
    """
    import openpyxl  # type: ignore[import-untyped]  # no type stubs; imported only when needed

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise PartnerFileError(
            "Ce fichier n'est pas un classeur Excel .xlsx lisible (un .xls ancien ou un autre "
            "format ?) : enregistrez-le au format .xlsx ou CSV."
        ) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise PartnerFileError(
                f"Le classeur n'a pas de feuille « {sheet} » ; feuilles : "
                + ", ".join(workbook.sheetnames)
                + "."
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        merged = merged_ranges(worksheet)
        in_header = [ref for ref in merged if ref_rows(ref)[0] == 1]
        if in_header:
            raise PartnerFileError(
                f"Feuille « {worksheet.title} » : l'en-tête (ligne 1) contient des cellules "
                f"fusionnées ({', '.join(in_header)}). Défusionnez-les pour que chaque colonne "
                "ait son propre titre sur la ligne 1."
            )
        records = [
            [cell_text(v) for v in values] for values in worksheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    if not records or not any(records[0]):
        raise PartnerFileError(
            f"Feuille « {worksheet.title} » : la première ligne (l'en-tête) est vide."
        )
    notices = []
    if len(workbook.sheetnames) > 1:
        notices.append(
            f"Le classeur a {len(workbook.sheetnames)} feuilles : seule « {worksheet.title} » "
            "est lue."
        )
    if merged:
        notices.append(
            "Cellules fusionnées dans les données ("
            + ", ".join(merged[:10])
            + ") : seule leur première cellule porte une valeur."
        )
    width = len(records[0])
    while width and not records[0][width - 1]:
        width -= 1
    headers = records[0][:width]
    rows = [(number, cells[:width]) for number, cells in enumerate(records, 1)][1:]
    return make_table(headers, rows, notices)


def merged_ranges(worksheet: Any) -> list[str]:
    """Merged ranges of a read-only worksheet, read from the sheet's XML (the read-only mode of
    openpyxl does not parse them)."""
    source = worksheet._get_source()
    try:
        xml = source.read()
    finally:
        source.close()
    start = xml.rfind(b"<mergeCells")
    if start < 0:
        return []
    return [ref.decode() for ref in re.findall(rb'<mergeCell\s+ref="([A-Z0-9:]+)"', xml[start:])]


def ref_rows(ref: str) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", ref)]
    return numbers[0], numbers[-1]


def make_table(headers: list[str], rows: list[tuple[int, list[str]]], notices: list[str]) -> Table:
    """Name unnamed columns, refuse duplicate headers, pad short rows, skip empty rows."""
    headers = [h or f"Colonne {column_letter(i)}" for i, h in enumerate(headers)]
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if fold(header) in seen:
            first = seen[fold(header)]
            raise PartnerFileError(
                f"L'en-tête (ligne 1) a deux colonnes « {header} » ({column_letter(first)} et "
                f"{column_letter(index)}) : renommez l'une d'elles."
            )
        seen[fold(header)] = index
    width = len(headers)
    kept = []
    for number, cells in rows:
        if not any(cells):
            continue
        cells = (cells + [""] * width)[:width]
        kept.append((number, cells))
    return Table(headers=headers, rows=kept, notices=notices)


GUESSES: Final[dict[str, tuple[str, ...]]] = {
    "date": ("date", "jour", "date des faits", "date de l intervention"),
    "category": ("nature", "categorie", "type", "motif", "infraction", "incident"),
    "commune": ("commune", "ville", "code insee", "insee", "localite"),
    "address": ("adresse", "lieu", "localisation"),
    "lon": ("longitude", "lon", "lng", "x"),
    "lat": ("latitude", "lat", "y"),
    "count": ("nombre", "nb", "nombre de faits", "quantite", "total", "effectif"),
}


def guess_roles(headers: Sequence[str]) -> dict[str, str]:
    """Roles suggested from headers' names (the first word is enough), each role once.

    >>> guess_roles(["N° main courante", "Date", "Heure", "Nature de l'intervention", "X", "Y"])
    {'date': 'Date', 'category': "Nature de l'intervention", 'lon': 'X', 'lat': 'Y'}
    """
    roles: dict[str, str] = {}
    for role, words in GUESSES.items():
        for header in headers:
            key = fold(header)
            if header in roles.values():
                continue
            if any(key == word or key.startswith(word + " ") for word in words):
                roles[role] = header
                break
    return roles


# Nominative columns --------------------------------------------------------------------------

PERSON_WORDS: Final = (
    "prenom",
    "prenoms",
    "firstname",
    "lastname",
    "surname",
    "auteur",
    "auteurs",
    "victime",
    "victimes",
    "mis en cause",
    "mec",
    "plaignant",
    "plaignante",
    "requerant",
    "temoin",
    "temoins",
    "declarant",
    "interpelle",
    "contrevenant",
    "locataire",
    "personne concernee",
    "personnes concernees",
    "usager",
    "usagers",
    "beneficiaire",
    "beneficiaires",
    "eleve",
    "parent",
    "telephone",
    "tel",
    "portable",
    "mobile",
    "email",
    "e mail",
    "mail",
    "courriel",
    "date de naissance",
    "naissance",
    "ne le",
    "nee le",
    "domicile",
    "immatriculation",
    "plaque",
    "nir",
    "securite sociale",
)
NAME_WORDS: Final = ("nom", "noms", "name", "identite", "patronyme")
PLACE_WORDS: Final = (
    "commune",
    "ville",
    "lieu",
    "rue",
    "voie",
    "etablissement",
    "quartier",
    "site",
    "ligne",
    "arret",
    "station",
    "residence",
    "batiment",
    "categorie",
    "type",
    "nature",
    "infraction",
    "fait",
    "faits",
    "equipe",
    "service",
)
PERSON_NAME = re.compile(
    r"^(?:(?:M|Mme|Mlle|Mr)\.?\s+)?"
    r"(?:[A-ZÀ-Þ][a-zà-ÿ]+(?:[-' ][A-ZÀ-Þ][a-zà-ÿ]+)*\s+[A-ZÀ-Þ][A-ZÀ-Þ' -]+"
    r"|[A-ZÀ-Þ][A-ZÀ-Þ' -]+\s+[A-ZÀ-Þ][a-zà-ÿ]+(?:-[A-ZÀ-Þ][a-zà-ÿ]+)*)$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
PHONE = re.compile(r"^(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$")


def has_phrase(key: str, phrase: str) -> bool:
    return re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", key) is not None


def nominative_reason(header: str, values: Sequence[str] = ()) -> str | None:
    """Why a column must not be kept, or None.

    >>> nominative_reason("Nom du mis en cause")
    'les données nominatives ne sont pas conservées'
    >>> nominative_reason("Nom de la commune") is None, nominative_reason("Adresse") is None
    (True, True)
    >>> nominative_reason("Observations", ["Jean DUPONT", "DURAND Marie", "Tapage"])
    'les données nominatives ne sont pas conservées'
    """
    key = fold(header)
    nominative = "les données nominatives ne sont pas conservées"
    if any(has_phrase(key, word) for word in PERSON_WORDS):
        return nominative
    if key.startswith("adresse") and any(has_phrase(key, w) for w in ("personne", "usager")):
        return nominative
    if any(has_phrase(key, word) for word in NAME_WORDS) and not any(
        has_phrase(key, word) for word in PLACE_WORDS
    ):
        return nominative
    filled = [v for v in values if v]
    if filled:
        sample = filled[:500]
        looks_personal = sum(
            1 for v in sample if PERSON_NAME.match(v) or EMAIL.match(v) or PHONE.match(v)
        )
        if looks_personal * 2 >= len(sample):
            return nominative
        if statistics.median(len(v) for v in sample) > FREE_TEXT_MEDIAN:
            return "le texte libre n'est pas conservé (seuls des faits agrégés le sont)"
    return None


def drop_nominative(table: Table) -> Table:
    keep = []
    dropped = list(table.dropped)
    for index, header in enumerate(table.headers):
        reason = nominative_reason(header, [cells[index] for _, cells in table.rows])
        if reason:
            dropped.append(DroppedColumn(header, reason))
        else:
            keep.append(index)
    return Table(
        headers=[table.headers[i] for i in keep],
        rows=[(line, [cells[i] for i in keep]) for line, cells in table.rows],
        notices=table.notices,
        dropped=dropped,
    )


# Validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """Which header plays which role. Date and category are required; the place comes from a
    commune, an address or coordinates (or is the council's only commune); count defaults to 1."""

    date: str
    category: str
    commune: str | None = None
    address: str | None = None
    lon: str | None = None
    lat: str | None = None
    count: str | None = None

    @classmethod
    def from_roles(cls, roles: Mapping[str, str]) -> ColumnMapping:
        """From {role: header}; raises KeyError if date or category is missing."""
        return cls(**{role: roles[role] for role in ROLES if roles.get(role)})

    def as_roles(self) -> dict[str, str]:
        return {role: getattr(self, role) for role in ROLES if getattr(self, role)}


@dataclass(frozen=True)
class Territory:
    """The council's communes: {INSEE code: name}, their outlines when known, postal codes."""

    communes: Mapping[str, str]
    shapes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    postal_codes: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def by_key(self) -> dict[str, str]:
        keys = {fold(name): code for code, name in self.communes.items()}
        keys.update({code.lower(): code for code in self.communes})
        return keys


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    value: str
    expected: str


@dataclass(frozen=True)
class Fact:
    line: int
    day: datetime.date
    category: str
    commune: str | None
    lon: float | None
    lat: float | None
    count: int


@dataclass
class Validation:
    facts: list[Fact]
    errors: list[RowError]
    notices: list[str]
    ignored_rows: int = 0
    unverified_positions: int = 0

    @property
    def total(self) -> int:
        return sum(fact.count for fact in self.facts)


DATE_FORMATS: Final = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
EXCEL_EPOCH: Final = datetime.date(1899, 12, 30)


def parse_date(text: str) -> datetime.date | None:
    """A date as partners write it: dd/mm/yyyy, yyyy-mm-dd (with a time or not), an Excel serial.

    >>> parse_date("03/02/2026"), parse_date("2026-02-03 14:05"), parse_date("46056")
    (datetime.date(2026, 2, 3), datetime.date(2026, 2, 3), datetime.date(2026, 2, 3))
    >>> parse_date("31/02/2026") is None, parse_date("février") is None
    (True, True)
    """
    text = text.strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        serial = float(text)
        if 20000 <= serial <= 80000:  # 1954 to 2119
            return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
        return None
    day_part = re.split(r"[ T]", text, maxsplit=1)[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(day_part, pattern).date()
        except ValueError:
            continue
    return None


def parse_number(text: str) -> float | None:
    """A number with a decimal comma or point, spaces as thousands separators.

    >>> parse_number("1,5"), parse_number("1 024"), parse_number("-0.25"), parse_number("x")
    (1.5, 1024.0, -0.25, None)
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def validate(
    table: Table,
    mapping: ColumnMapping,
    categories: Mapping[str, object | None],
    territory: Territory,
    *,
    today: datetime.date | None = None,
    earliest: datetime.date = datetime.date(2000, 1, 1),
) -> Validation:
    """Check every row; return the facts, or every error with its line and column.

    `categories` maps a category as written (compared folded) to a target, or None to ignore its
    rows. A category absent from it is an error. Positions must lie in a member commune's
    outline; a commune with no known outline leaves the position unverified, with a notice.
    """
    index = {header: i for i, header in enumerate(table.headers)}
    for role, header in mapping.as_roles().items():
        if header not in index:
            raise PartnerFileError(
                f"La colonne « {header} » ({ROLES[role].lower()}) n'existe pas dans ce fichier."
            )
    if (mapping.lon is None) != (mapping.lat is None):
        raise PartnerFileError("Associez à la fois une colonne de longitude et de latitude.")
    known_categories = {fold(label): label for label in categories}
    commune_keys = territory.by_key()
    postal = {code: list(codes) for code, codes in territory.postal_codes.items()}
    only_commune = next(iter(territory.communes)) if len(territory.communes) == 1 else None
    errors: list[RowError] = []
    notices: list[str] = list(table.notices)
    pending: list[_Row] = []
    ignored = 0
    running_total = 0

    def cell(cells: list[str], header: str | None) -> str:
        return cells[index[header]] if header is not None else ""

    for line, cells in table.rows:
        row_errors: list[RowError] = []

        raw_date = cell(cells, mapping.date)
        day = parse_date(raw_date) if raw_date else None
        if day is None:
            row_errors.append(
                RowError(
                    line, mapping.date, raw_date, "une date au format jj/mm/aaaa ou aaaa-mm-jj"
                )
            )
        elif day < earliest or (today is not None and day > today):
            row_errors.append(
                RowError(
                    line,
                    mapping.date,
                    raw_date,
                    f"une date entre le {earliest:%d/%m/%Y} et "
                    + (f"le {today:%d/%m/%Y}" if today else "aujourd'hui"),
                )
            )

        raw_category = cell(cells, mapping.category)
        category = known_categories.get(fold(raw_category))
        if not raw_category:
            row_errors.append(RowError(line, mapping.category, "", "une catégorie (cellule vide)"))
        elif category is None:
            row_errors.append(
                RowError(
                    line,
                    mapping.category,
                    raw_category,
                    "une catégorie associée à un indicateur local (catégorie inconnue)",
                )
            )

        commune: str | None = only_commune
        if mapping.commune is not None:
            raw = cell(cells, mapping.commune)
            commune = commune_keys.get(fold(raw)) or commune_keys.get(raw.strip().lower())
            if commune is None:
                row_errors.append(
                    RowError(
                        line,
                        mapping.commune,
                        raw,
                        "une commune du territoire du conseil (code INSEE ou nom)",
                    )
                )
        elif mapping.address is not None:
            raw = cell(cells, mapping.address)
            commune = commune_from_address(raw, commune_keys, postal)
            if commune is None:
                row_errors.append(
                    RowError(
                        line,
                        mapping.address,
                        raw,
                        "une adresse avec le code postal ou le nom d'une commune du territoire",
                    )
                )

        lon = lat = None
        if mapping.lon is not None and mapping.lat is not None:
            raw_lon, raw_lat = cell(cells, mapping.lon), cell(cells, mapping.lat)
            if raw_lon or raw_lat:
                lon, lat = parse_number(raw_lon), parse_number(raw_lat)
                if lon is None or not -180 <= lon <= 180:
                    row_errors.append(
                        RowError(line, mapping.lon, raw_lon, "une longitude en degrés décimaux")
                    )
                if lat is None or not -90 <= lat <= 90:
                    row_errors.append(
                        RowError(line, mapping.lat, raw_lat, "une latitude en degrés décimaux")
                    )

        count = 1
        if mapping.count is not None:
            raw_count = cell(cells, mapping.count)
            number = parse_number(raw_count) if raw_count else 1.0
            if number is None or number < 0 or not number.is_integer():
                row_errors.append(
                    RowError(line, mapping.count, raw_count, "un nombre entier positif ou nul")
                )
            elif number > MAX_COUNT_PER_ROW:
                row_errors.append(
                    RowError(
                        line,
                        mapping.count,
                        raw_count,
                        f"un nombre entier d'au plus {number_text(MAX_COUNT_PER_ROW)} faits par "
                        "ligne (un nombre plus grand est une erreur de saisie ou d'export)",
                    )
                )
            else:
                count = int(number)
            if not row_errors and categories.get(category or "") is not None:
                running_total += count
                if running_total > MAX_FACTS_PER_FILE:
                    row_errors.append(
                        RowError(
                            line,
                            mapping.count,
                            raw_count,
                            f"{number_text(MAX_FACTS_PER_FILE)} faits au plus par fichier : le "
                            "total des lignes précédentes et de celle-ci le dépasse (découpez "
                            "le fichier ou vérifiez la colonne du nombre)",
                        )
                    )

        errors.extend(row_errors)
        if not row_errors and categories.get(category or "") is None:
            ignored += 1
            continue
        # Rows with errors still have their position checked: every error is listed at once.
        pending.append(_Row(line, day, category, commune, lon, lat, count, not row_errors))

    facts, position_errors, unverified = check_positions(pending, mapping, territory)
    errors.extend(position_errors)
    errors.sort(key=lambda e: (e.line, table.headers.index(e.column)))
    if unverified:
        missing = sorted(
            territory.communes[c] for c in territory.communes if c not in territory.shapes
        )
        notices.append(
            f"Contour de la commune inconnu ({', '.join(missing[:10])}"
            f"{'…' if len(missing) > 10 else ''}) : position non vérifiée pour "
            f"{unverified} ligne(s)."
        )
    if ignored:
        notices.append(f"{ignored} ligne(s) d'une catégorie ignorée ne seront pas importées.")
    return Validation(
        facts=facts,
        errors=errors,
        notices=notices,
        ignored_rows=ignored,
        unverified_positions=unverified,
    )


def commune_from_address(
    address: str, keys: Mapping[str, str], postal: Mapping[str, Sequence[str]]
) -> str | None:
    """The member commune an address names: by its postal code if only one commune of the
    territory has it, else by the commune's name at the end of the address."""
    for code in re.findall(r"\b\d{5}\b", address):
        matches = postal.get(code, [])
        if len(matches) == 1:
            return matches[0]
    folded = fold(address)
    for name in sorted(keys, key=len, reverse=True):
        if name and not name.isdigit() and folded.endswith(name):
            return keys[name]
    return None


@dataclass
class _Row:
    line: int
    day: datetime.date | None
    category: str | None
    commune: str | None
    lon: float | None
    lat: float | None
    count: int
    valid: bool


def check_positions(
    pending: list[_Row], mapping: ColumnMapping, territory: Territory
) -> tuple[list[Fact], list[RowError], int]:
    """Locate the positions in the member communes' outlines, all at once; facts of the valid
    rows inside the territory."""
    placed = [row for row in pending if row.lon is not None and row.lat is not None]
    found: dict[int, str | None] = {}
    if placed:
        located = locate(
            territory.shapes,
            np.array([row.lon for row in placed], dtype=np.float64),
            np.array([row.lat for row in placed], dtype=np.float64),
        )
        found = {row.line: code for row, code in zip(placed, located, strict=True)}
    # A position may lie in a member commune whose outline is unknown: it is then not verified.
    all_known = all(code in territory.shapes for code in territory.communes)
    facts: list[Fact] = []
    errors: list[RowError] = []
    unverified = 0
    for row in pending:
        commune, lon, lat, valid = row.commune, row.lon, row.lat, row.valid
        if lon is not None and lat is not None:
            lon, lat = round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)
            if found[row.line] is None:
                if all_known or (commune is not None and commune in territory.shapes):
                    assert mapping.lon is not None
                    errors.append(
                        RowError(
                            row.line,
                            mapping.lon,
                            f"{lon} ; {lat}",
                            "des coordonnées situées dans le territoire du conseil "
                            "(position hors du territoire)",
                        )
                    )
                    continue
                unverified += valid
            elif commune is None:
                commune = found[row.line]
        if valid:
            assert row.day is not None and row.category is not None
            facts.append(Fact(row.line, row.day, row.category, commune, lon, lat, row.count))
    return facts, errors, unverified
