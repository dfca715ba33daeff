"""Context indicators from the State's open data: pure parsers, one per source.

A diagnostic reads crime against its context. Five sources, each read from its own layout:

- ``filosofi``: INSEE Filosofi by commune (``cc_filosofi_AAAA_COM.csv``: ``;``, decimal comma,
  ``s`` for a cell under statistical secrecy, ``nd`` for a commune without data): the poverty
  rate at 60 % (``TP60AA``, %) and the median disposable income per consumption unit
  (``MEDAA``, €). INSEE replaces a poverty rate below 5 % by 5 %: a 5 is stored as censored,
  "≤ 5 %", never as 5 %.
- ``qpv``: the priority neighbourhoods of the city policy (QPV) with their communes (a QPV may
  span several communes, ``;``-joined).
- ``sru``: the share of social rented dwellings among main residences (loi SRU), %.
- ``ips``: the DEPP social position index of primary schools, median per commune (an index).
- ``chomage``: INSEE localised unemployment rates by employment zone (``ze2020``, quarterly, %),
  with the commune -> employment zone table (:func:`read_commune_zones`).

Each value keeps its source, edition, geography year, unit and state (:class:`ContextState`).
Bad input raises :class:`ContextFormatError`, whose French message names the line (the header
is line 1) and the column. Codes are checked for their form only: whether a commune exists is
the reference's business (the importer reports the codes it does not know).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final

__all__ = [
    "INDICATORS",
    "KINDS",
    "ContextFile",
    "ContextFormatError",
    "ContextIndicator",
    "ContextState",
    "ContextValue",
    "Qpv",
    "merge_former_communes",
    "read_commune_zones",
    "read_context",
]


class ContextState(StrEnum):
    """The state of a context value. ``label``: the short French name.

    Not :class:`crimestats.states.ValueState` (counts of recorded crime, whose open-data names
    are a published format): a context value can also be censored (published at a floor) or
    not applicable, and a rate is never a zero or a lower bound by summing.

    >>> ContextState.CENSORED.label, ContextState("suppressed").label
    ('censurée (plafond de diffusion)', 'non diffusée (secret statistique)')
    """

    label: str

    def __new__(cls, value: str, label: str) -> ContextState:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    PUBLISHED = "published", "publiée"
    SUPPRESSED = "suppressed", "non diffusée (secret statistique)"
    CENSORED = "censored", "censurée (plafond de diffusion)"
    NOT_APPLICABLE = "not_applicable", "sans objet (non disponible dans la source)"
    UNKNOWN = "unknown", "inconnue (non calculable)"

    @classmethod
    def of(cls, value: str) -> ContextState:
        """The state stored as ``value``; KeyError for an unknown one.

        >>> ContextState.of("censored") is ContextState.CENSORED
        True
        """
        return {state.value: state for state in cls}[value]

    @property
    def has_value(self) -> bool:
        """A number is stored: published, or censored (the number is then the bound)."""
        return self in (ContextState.PUBLISHED, ContextState.CENSORED)


@dataclass(frozen=True, slots=True)
class ContextIndicator:
    code: str
    label: str
    unit: str  # "%", "€", "indice"
    source: str  # the source's credit line (French)
    geo_level: str  # "commune" or "zone_emploi"
    # Whether territories' values may be computed from their communes': none of these may be
    # (rates and medians do not add up without their denominators).
    additive: bool = False


FILOSOFI_SOURCE: Final = "Insee, Filosofi (fichier localisé social et fiscal), Licence Ouverte 2.0"
INDICATORS: Final = {
    indicator.code: indicator
    for indicator in (
        ContextIndicator(
            "poverty_rate", "Taux de pauvreté (seuil à 60 %)", "%", FILOSOFI_SOURCE, "commune"
        ),
        ContextIndicator(
            "median_income",
            "Revenu disponible médian par unité de consommation",
            "€",
            FILOSOFI_SOURCE,
            "commune",
        ),
        ContextIndicator(
            "social_housing_rate",
            "Taux de logements sociaux (loi SRU)",
            "%",
            "Ministère du Logement, taux de logements sociaux des communes (inventaire SRU), "
            "Licence Ouverte 2.0",
            "commune",
        ),
        ContextIndicator(
            "school_ips_median",
            "Indice de position sociale médian des écoles",
            "indice",
            "Ministère de l'Éducation nationale (DEPP), IPS des écoles, Licence Ouverte 2.0",
            "commune",
        ),
        ContextIndicator(
            "unemployment_rate",
            "Taux de chômage localisé de la zone d'emploi",
            "%",
            "Insee, taux de chômage localisés par zone d'emploi, Licence Ouverte 2.0",
            "zone_emploi",
        ),
    )
}
KINDS: Final = ("filosofi", "qpv", "sru", "ips", "chomage")
QPV_SOURCE: Final = (
    "ANCT, quartiers prioritaires de la politique de la ville (décret 2023-1314), "
    "Licence Ouverte 2.0"
)
# INSEE publishes a commune's poverty rate below 5 % as 5 % (it does not want rankings of the
# least poor communes): a value at this floor is "≤ 5 %".
POVERTY_FLOOR: Final = 5.0

COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
ZONE_CODE = re.compile(r"^\d{4}$")
QPV_CODE = re.compile(r"^Q[NP]\w{6}$")
QUARTER = re.compile(r"^(\d{4})-T([1-4])$")


class ContextFormatError(ValueError):
    """A file does not follow its source's layout; the message is in French for the user.

    ``line`` is 1-based and counts the header as line 1 (``None`` when the whole file is at
    fault); ``column`` is the column as spelled in the file.
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
class ContextValue:
    geo_level: str  # "commune", "zone_emploi" or "france"
    code: str
    indicator: str
    period: str  # "2021", "2024-2025", "2025-T4"
    value: float | None
    state: ContextState
    note: str = ""  # why a value is unknown (a merged commune), in French


@dataclass(frozen=True, slots=True)
class Qpv:
    code: str
    name: str
    communes: tuple[str, ...]
    zone: str  # "metro" or "outre-mer"
    status: str


@dataclass(slots=True)
class ContextFile:
    """A parsed context file: its source, edition (the data's period) and geography year."""

    kind: str
    source_name: str
    edition: str
    geography_year: int | None
    values: list[ContextValue] = field(default_factory=list)
    qpvs: list[Qpv] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # area code -> its name (zones)
    rows_read: int = 0


# Layouts: kind -> the columns the file must have (others are allowed and ignored).
_FILOSOFI_KEY = "CODGEO"
_COLUMNS: Final = {
    "qpv": ("code_qp", "lib_qp", "insee_com", "n_communes", "zone", "statut_2024"),
    "sru": ("code_insee", "label", "rate_pct"),
    "ips": ("code_insee", "ips_max", "ips_median", "ips_min", "school_count"),
    "chomage": ("ze2020", "libelle"),
    "zones": ("code_insee", "ze2020"),
}
_SOURCE_NAMES: Final = {
    "filosofi": "Filosofi (Insee)",
    "qpv": "liste des QPV (ANCT)",
    "sru": "taux de logements sociaux SRU",
    "ips": "IPS des écoles (DEPP)",
    "chomage": "taux de chômage localisés (Insee)",
    "zones": "table communes - zones d'emploi (Insee)",
}


def _text(path: Path) -> str:
    payload = path.read_bytes()
    if payload[:2] == b"\x1f\x8b":
        try:
            payload = gzip.decompress(payload)
        except (OSError, EOFError) as exc:
            raise ContextFormatError(
                path.name, None, None, f"archive gzip illisible ({exc})"
            ) from exc
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


def _rows(path: Path, name: str, separator: str) -> tuple[list[str], Iterator[list[str]]]:
    text = _text(path)
    if not text.strip():
        raise ContextFormatError(name, None, None, "le fichier est vide")
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = [column.strip() for column in next(reader)]
    return header, reader


def _require(header: list[str], needed: tuple[str, ...], kind: str, name: str) -> None:
    missing = [column for column in needed if column not in header]
    if missing:
        raise ContextFormatError(
            name,
            1,
            missing[0],
            f"colonne absente : ce n'est pas un fichier « {_SOURCE_NAMES[kind]} » "
            f"(colonnes attendues : {', '.join(needed)} ; trouvées : "
            f"{', '.join(header[:12])}{' …' if len(header) > 12 else ''})",
        )


def _separator(path: Path) -> str:
    first = _text(path).split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _number(text: str, line: int, column: str, name: str, *, comma: bool) -> float:
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "")
    if comma:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        value = float("nan")
    if value != value or cleaned.lower() in {"inf", "-inf", "infinity", "nan"}:
        shown = text if text else "(vide)"
        raise ContextFormatError(
            name, line, column, f"nombre attendu, trouvé « {shown} »"
        ) from None
    return value


def _commune_code(text: str, line: int, column: str, name: str) -> str:
    code = text.strip()
    if not COMMUNE_CODE.match(code):
        raise ContextFormatError(
            name, line, column, f"code commune INSEE attendu (5 caractères), trouvé « {text} »"
        )
    return code


def _check_width(row: list[str], header: list[str], line: int, name: str) -> None:
    if len(row) != len(header):
        raise ContextFormatError(
            name, line, None, f"{len(header)} colonnes attendues, {len(row)} trouvées"
        )


def _duplicate(seen: dict[str, int], key: str, line: int, column: str, name: str) -> None:
    if key in seen:
        raise ContextFormatError(
            name, line, column, f"« {key} » figure déjà ligne {seen[key]} (doublon)"
        )
    seen[key] = line


def read_context(
    path: str | Path, kind: str, *, geography_year: int | None = None, edition: str | None = None
) -> ContextFile:
    """Read a context file of ``kind`` (one of :data:`KINDS`).

    ``edition`` (the data's period) defaults to what the file says (Filosofi's column suffix,
    the unemployment quarters) or to the source's known edition; ``geography_year`` to a
    ``geoAAAA`` / ``cogAAAA`` in the file name.
    """
    path = Path(path)
    name = path.name
    if kind not in KINDS:
        raise ContextFormatError(
            name, None, None, f"type de source inconnu « {kind} » (attendu : {', '.join(KINDS)})"
        )
    if geography_year is None and (found := re.search(r"(?:geo|cog)(\d{4})", name)):
        geography_year = int(found.group(1))
    reader = {
        "filosofi": _read_filosofi,
        "qpv": _read_qpv,
        "sru": _read_sru,
        "ips": _read_ips,
        "chomage": _read_unemployment,
    }[kind]
    parsed = reader(path, name, edition)
    # ANCT's list of the 2024 QPV is on the 2024 commune geography (listeqp2024-cog2024).
    parsed.geography_year = geography_year or (2024 if kind == "qpv" else None)
    if not parsed.values and not parsed.qpvs:
        raise ContextFormatError(name, None, None, "aucune ligne de données")
    return parsed


def _read_filosofi(path: Path, name: str, edition: str | None) -> ContextFile:
    header, rows = _rows(path, name, ";")
    if len(header) == 1 and "," in header[0]:
        raise ContextFormatError(
            name, 1, None, "séparateur « ; » attendu (fichier Filosofi de l'Insee)"
        )
    if _FILOSOFI_KEY not in header:
        raise ContextFormatError(
            name,
            1,
            _FILOSOFI_KEY,
            "colonne absente : ce n'est pas un fichier Filosofi par commune de l'Insee "
            f"(trouvées : {', '.join(header[:8])})",
        )
    years = {m.group(1) for c in header if (m := re.fullmatch(r"MED(\d\d)", c))}
    if len(years) != 1:
        raise ContextFormatError(
            name, 1, "MED", "une colonne MEDAA attendue (revenu médian, AA = année)"
        )
    (yy,) = years
    if f"TP60{yy}" not in header:
        raise ContextFormatError(name, 1, f"TP60{yy}", "colonne absente (taux de pauvreté)")
    year = f"20{yy}"
    parsed = ContextFile("filosofi", name, edition or year, None)
    key = header.index(_FILOSOFI_KEY)
    columns = [
        (header.index(f"TP60{yy}"), "poverty_rate"),
        (header.index(f"MED{yy}"), "median_income"),
    ]
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        _check_width(row, header, line, name)
        code = _commune_code(row[key], line, _FILOSOFI_KEY, name)
        _duplicate(seen, code, line, _FILOSOFI_KEY, name)
        parsed.rows_read += 1
        for index, indicator in columns:
            cell = row[index].strip()
            value: float | None = None
            if cell == "s":
                state = ContextState.SUPPRESSED
            elif cell == "nd":
                state = ContextState.NOT_APPLICABLE
            else:
                value = _number(cell, line, header[index], name, comma=True)
                if value < 0 or (indicator == "poverty_rate" and value > 100):
                    raise ContextFormatError(
                        name, line, header[index], f"valeur hors des bornes : « {cell} »"
                    )
                state = ContextState.PUBLISHED
                if indicator == "poverty_rate" and value <= POVERTY_FLOOR:
                    if value < POVERTY_FLOOR:
                        raise ContextFormatError(
                            name,
                            line,
                            header[index],
                            f"taux de pauvreté « {cell} » sous le plancher de diffusion de "
                            f"l'Insee ({POVERTY_FLOOR:g} %) : ce n'est pas un fichier Filosofi",
                        )
                    state = ContextState.CENSORED
            parsed.values.append(ContextValue("commune", code, indicator, year, value, state))
    return parsed


def _read_qpv(path: Path, name: str, edition: str | None) -> ContextFile:
    header, rows = _rows(path, name, _separator(path))
    _require(header, _COLUMNS["qpv"], "qpv", name)
    at = {column: header.index(column) for column in _COLUMNS["qpv"]}
    parsed = ContextFile("qpv", name, edition or "2024", None)
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        _check_width(row, header, line, name)
        code = row[at["code_qp"]].strip()
        if not QPV_CODE.match(code):
            raise ContextFormatError(
                name, line, "code_qp", f"code de QPV attendu (QN07619M), trouvé « {code} »"
            )
        _duplicate(seen, code, line, "code_qp", name)
        cell = row[at["insee_com"]]
        communes = tuple(
            _commune_code(part, line, "insee_com", name) for part in cell.split(";") if part
        )
        if not communes:
            raise ContextFormatError(name, line, "insee_com", "aucune commune")
        count = _number(row[at["n_communes"]], line, "n_communes", name, comma=False)
        if count != len(communes):
            raise ContextFormatError(
                name,
                line,
                "n_communes",
                f"{count:g} communes annoncées, {len(communes)} listées dans insee_com",
            )
        zone = row[at["zone"]].strip()
        if zone not in {"metro", "outre-mer"}:
            raise ContextFormatError(
                name, line, "zone", f"« metro » ou « outre-mer » attendu, trouvé « {zone} »"
            )
        parsed.rows_read += 1
        parsed.qpvs.append(
            Qpv(code, row[at["lib_qp"]].strip(), communes, zone, row[at["statut_2024"]].strip())
        )
    return parsed


def _read_per_commune(
    path: Path,
    name: str,
    kind: str,
    column: str,
    indicator: str,
    period: str,
    bounds: tuple[float, float],
) -> ContextFile:
    header, rows = _rows(path, name, _separator(path))
    _require(header, _COLUMNS[kind], kind, name)
    key, index = header.index("code_insee"), header.index(column)
    parsed = ContextFile(kind, name, period, None)
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        _check_width(row, header, line, name)
        code = _commune_code(row[key], line, "code_insee", name)
        _duplicate(seen, code, line, "code_insee", name)
        value = _number(row[index], line, column, name, comma=True)
        if not bounds[0] <= value <= bounds[1]:
            raise ContextFormatError(
                name,
                line,
                column,
                f"valeur hors des bornes ({bounds[0]:g} à {bounds[1]:g}) : « {row[index]} »",
            )
        parsed.rows_read += 1
        parsed.values.append(
            ContextValue("commune", code, indicator, period, value, ContextState.PUBLISHED)
        )
    return parsed


def _read_sru(path: Path, name: str, edition: str | None) -> ContextFile:
    # Above 100 % exists (Change 71085: 157 %, the source's figure): kept as published.
    return _read_per_commune(
        path, name, "sru", "rate_pct", "social_housing_rate", edition or "2024", (0, 1000)
    )


def _read_ips(path: Path, name: str, edition: str | None) -> ContextFile:
    return _read_per_commune(
        path, name, "ips", "ips_median", "school_ips_median", edition or "2024-2025", (0, 300)
    )


def _read_unemployment(path: Path, name: str, edition: str | None) -> ContextFile:
    header, rows = _rows(path, name, _separator(path))
    _require(header, _COLUMNS["chomage"], "chomage", name)
    quarters = [(i, c) for i, c in enumerate(header) if QUARTER.match(c)]
    if not quarters:
        raise ContextFormatError(
            name,
            1,
            None,
            "aucune colonne de trimestre (AAAA-T1 … AAAA-T4) : ce n'est pas un "
            "fichier de taux de chômage localisés",
        )
    parsed = ContextFile("chomage", name, edition or f"{quarters[0][1]} à {quarters[-1][1]}", None)
    key = header.index("ze2020")
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        _check_width(row, header, line, name)
        code = row[key].strip()
        if code == "FR":
            level = "france"
        elif ZONE_CODE.match(code):
            level = "zone_emploi"
        else:
            raise ContextFormatError(
                name,
                line,
                "ze2020",
                f"code de zone d'emploi attendu (4 chiffres), trouvé « {code} »",
            )
        _duplicate(seen, code, line, "ze2020", name)
        parsed.rows_read += 1
        parsed.names[code] = row[header.index("libelle")].strip()
        for index, quarter in quarters:
            cell = row[index].strip()
            if cell in {"", "NA", "nd"}:
                parsed.values.append(
                    ContextValue(
                        level, code, "unemployment_rate", quarter, None, ContextState.NOT_APPLICABLE
                    )
                )
                continue
            value = _number(cell, line, quarter, name, comma=True)
            if not 0 <= value <= 100:
                raise ContextFormatError(name, line, quarter, f"taux hors de 0 à 100 : « {cell} »")
            parsed.values.append(
                ContextValue(
                    level, code, "unemployment_rate", quarter, value, ContextState.PUBLISHED
                )
            )
    return parsed


def read_commune_zones(path: str | Path) -> dict[str, str]:
    """The commune -> employment zone table (``code_insee, ze2020``)."""
    path = Path(path)
    name = path.name
    header, rows = _rows(path, name, _separator(path))
    _require(header, _COLUMNS["zones"], "zones", name)
    key, zone_at = header.index("code_insee"), header.index("ze2020")
    zones: dict[str, str] = {}
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        _check_width(row, header, line, name)
        code = _commune_code(row[key], line, "code_insee", name)
        _duplicate(seen, code, line, "code_insee", name)
        zone = row[zone_at].strip()
        if not ZONE_CODE.match(zone):
            raise ContextFormatError(
                name,
                line,
                "ze2020",
                f"code de zone d'emploi attendu (4 chiffres), trouvé « {zone} »",
            )
        zones[code] = zone
    if not zones:
        raise ContextFormatError(name, None, None, "aucune ligne de données")
    return zones


def merge_former_communes(
    values: list[ContextValue], mapping: dict[str, str]
) -> tuple[list[ContextValue], dict[str, str]]:
    """Commune values on the current geography; ``mapping``: former code -> current code.

    A current commune whose file lists a former code (it merged since the file's geography)
    has parts whose rates or medians cannot be added: its value becomes unknown, with the
    parts named in ``note``; no figure is made up. A former code whose current commune is
    listed by no other part (a mere renumbering) keeps its value under the current code.
    Returns the values and the former codes met (former -> current).

    >>> v = [ContextValue("commune", c, "poverty_rate", "2021", x, ContextState.PUBLISHED)
    ...      for c, x in [("76358", 9.0), ("76455", 7.0), ("01003", 8.0)]]
    >>> merged, met = merge_former_communes(v, {"76358": "76455", "01003": "01165"})
    >>> [(m.code, m.value, m.state.value) for m in merged]
    [('76455', None, 'unknown'), ('01165', 8.0, 'published')]
    >>> merged[0].note.startswith("commune fusionnée (codes du fichier : 76358, 76455)")
    True
    """
    communes = [v for v in values if v.geo_level == "commune"]
    others = [v for v in values if v.geo_level != "commune"]
    parts: dict[tuple[str, str, str], list[ContextValue]] = {}
    met: dict[str, str] = {}
    for value in communes:
        current = mapping.get(value.code, value.code)
        if current != value.code:
            met[value.code] = current
        parts.setdefault((current, value.indicator, value.period), []).append(value)
    result: list[ContextValue] = []
    for (current, indicator, period), group in parts.items():
        if len(group) == 1:
            (only,) = group
            result.append(
                ContextValue(
                    "commune", current, indicator, period, only.value, only.state, only.note
                )
            )
            continue
        codes = ", ".join(sorted(v.code for v in group))
        result.append(
            ContextValue(
                "commune",
                current,
                indicator,
                period,
                None,
                ContextState.UNKNOWN,
                f"commune fusionnée (codes du fichier : {codes}) : un taux ou une médiane ne "
                "s'additionne pas",
            )
        )
    return others + result, met
