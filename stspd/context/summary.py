"""The context block of a territory: each indicator, its level against the département and
France, and its source line; the priority neighbourhoods (QPV) of its communes.

A commune shows its own values. An EPCI or a council shows, for each indicator, the distribution
of its members' values (lowest, median, highest, and how many members have one): none of these
sources allows a territory's value to be computed from its communes' (a median income or a rate
without its denominator does not add up). The département and France references are the
medians of their communes' published values, computed from the national files
(`data/references.csv`, see its README): the block says so.

A fixed number of queries whatever the number of members (four), and whatever the number of
territories read together (`context_blocks`, for a strategy's context indicators).
"""

from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

import polars as pl

from crimestats import french
from crimestats.context import INDICATORS, ContextState
from stspd.territories.models import Commune

from .extracts import load_references
from .models import CommuneZone, ContextEdition, ContextValue, GeoLevel, Qpv, SourceKind

ORDER = ("poverty_rate", "median_income", "social_housing_rate", "school_ips_median")
K = TypeVar("K", bound=Hashable)
BASIS_TEXT = {
    "median_of_communes": "médiane des {n} communes où la valeur est publiée",
    "median_of_communes_above_zero": "médiane des {n} communes dont le taux dépasse 0 %",
    "national_series": "série nationale de l'Insee",
}


@lru_cache(maxsize=1)
def _references() -> dict[tuple[str, str], tuple[str, str, int | None, float]]:
    return load_references()


def format_value(indicator: str, value: float | None, state: str) -> str:
    """A value with its unit, read as its state says ("≤ 5 %" for a censored rate).

    >>> format_value("poverty_rate", 5.0, "censored")
    '≤ 5 %'
    >>> format_value("median_income", None, "suppressed")
    'non diffusée (secret statistique)'
    """
    context_state = ContextState.of(state)
    if not context_state.has_value or value is None:
        return context_state.label
    unit = INDICATORS[indicator].unit
    if unit == "€":
        text = french.euros(round(value))
    elif unit == "%":
        text = french.percent(value, 0 if value == round(value) else 1)
    else:
        text = french.number(value, 1)
    return f"≤ {text}" if context_state is ContextState.CENSORED else text


@dataclass
class Reference:
    label: str  # "Seine-Maritime" or "France"
    text: str
    basis: str
    level: str  # "au-dessus", "en dessous", "égal", ""


@dataclass(frozen=True)
class HistoryPoint:
    """One period of a single commune's or employment zone's value, as stored."""

    period: str  # "2021", "2025-T4"
    value: float | None  # the bound when censored
    state: str  # a ContextState
    note: str = ""


@dataclass
class ContextRow:
    code: str
    label: str
    unit: str
    source: str
    value_text: str = ""  # a commune's value
    state: str = ""
    note: str = ""
    distribution: str = ""  # an EPCI's or a council's members
    references: list[Reference] = field(default_factory=list)
    # A single commune's editions, or a single employment zone's quarters, oldest first.
    history: list[HistoryPoint] = field(default_factory=list)


@dataclass
class QpvSummary:
    count: int
    communes: list[tuple[str, list[str]]]  # (commune name, its QPV names)


@dataclass
class ContextBlock:
    rows: list[ContextRow]
    qpv: QpvSummary | None
    single: bool
    members: int

    @property
    def empty(self) -> bool:
        return not self.rows and self.qpv is None


def _level(value: float | None, state: str, reference: float) -> str:
    if value is None:
        return ""
    if state == ContextState.CENSORED:
        return "en dessous" if value < reference else ""
    if value > reference:
        return "au-dessus"
    return "en dessous" if value < reference else "égal"


def _reference_rows(
    indicator: str, departement: tuple[str, str], value: float | None, state: str
) -> list[Reference]:
    result = []
    for area, label in (departement, ("FR", "France")):
        found = _references().get((indicator, area))
        if found is None:
            continue
        _, basis, communes, number = found
        result.append(
            Reference(
                label,
                format_value(indicator, number, "published"),
                BASIS_TEXT[basis].format(n=french.number(communes or 0)),
                _level(value, state, number),
            )
        )
    return result


def _distribution(indicator: str, values: list[ContextValue], members: int) -> str:
    known = sorted((v for v in values if ContextState.of(v.state).has_value), key=_sort_key)
    if not known:
        return f"aucune des {members} communes n'a de valeur publiée"
    numbers = [v.value for v in known if v.value is not None]
    middle = statistics.median(numbers)
    censored = any(v.state == ContextState.CENSORED for v in known)
    low = format_value(indicator, known[0].value, known[0].state)
    # A median at the floor of censored values is itself only known as "≤".
    median_state = "censored" if censored and middle <= numbers[0] else "published"
    return (
        f"de {low} à {format_value(indicator, known[-1].value, known[-1].state)}, "
        f"médiane {format_value(indicator, middle, median_state)} "
        f"({len(known)} commune{'s' if len(known) > 1 else ''} sur {members} avec une valeur)"
    )


def _sort_key(value: ContextValue) -> float:
    return value.value if value.value is not None else 0.0


def context_block(members: list[Commune], departement: tuple[str, str]) -> ContextBlock:
    """The block of a territory made of `members`, compared with `departement` (code, name)."""
    return context_blocks({0: members}, {0: departement})[0]


def context_blocks(
    territories: Mapping[K, list[Commune]], departements: Mapping[K, tuple[str, str]]
) -> dict[K, ContextBlock]:
    """The block of each territory (key -> its member communes), each compared with its own
    département (key -> code, name), all read at once: four queries whatever the numbers of
    territories and members (five when no QPV list is stored)."""
    ids = sorted({commune.pk for members in territories.values() for commune in members})
    values: dict[int, list[ContextValue]] = defaultdict(list)
    for value in (
        ContextValue.objects.filter(geo_level=GeoLevel.COMMUNE, commune_id__in=ids)
        .select_related("edition")
        .order_by("indicator", "-edition__edition", "code")
    ):
        assert value.commune_id is not None  # commune level
        values[value.commune_id].append(value)
    unemployment = _Unemployment.read(ids)
    links = list(
        Qpv.communes.through.objects.filter(commune_id__in=ids)
        .order_by("qpv__code")
        .values_list("commune_id", "qpv__code", "qpv__name", "qpv__edition__edition")
    )
    # A QPV list is stored if any member has a QPV: the question is asked only when none has.
    imported = functools.cache(lambda: bool(links) or _qpv_imported())
    return {
        key: _block(members, departements[key], values, unemployment, links, imported)
        for key, members in territories.items()
    }


def _block(
    members: list[Commune],
    departement: tuple[str, str],
    all_values: dict[int, list[ContextValue]],
    unemployment: _Unemployment,
    all_links: list[tuple[int, str, str, str]],
    qpv_imported: Callable[[], bool],
) -> ContextBlock:
    ids = {commune.pk for commune in members}
    single = len(members) == 1
    # As the database would order them: by indicator, latest edition first, then code.
    stored = sorted((value for pk in ids for value in all_values.get(pk, [])), key=_code)
    stored.sort(key=_edition, reverse=True)
    stored.sort(key=_indicator)
    latest: dict[str, str] = {}
    by_indicator: dict[str, list[ContextValue]] = {}
    history: dict[str, list[ContextValue]] = {}
    for value in stored:
        edition = latest.setdefault(value.indicator, value.edition.edition)
        if value.edition.edition == edition:
            by_indicator.setdefault(value.indicator, []).append(value)
        history.setdefault(value.indicator, []).insert(0, value)  # oldest edition first
    rows = []
    for code in ORDER:
        values = by_indicator.get(code)
        if not values:
            continue
        indicator = INDICATORS[code]
        stored_edition = values[0].edition
        source = f"{indicator.source} — édition {stored_edition.edition}" + (
            f", géographie au 1er janvier {stored_edition.geography_year}"
            if stored_edition.geography_year
            else ""
        )
        row = ContextRow(code, indicator.label, indicator.unit, source)
        if single:
            (value,) = values
            row.value_text = format_value(code, value.value, value.state)
            row.state, row.note = value.state, value.note
            row.references = _reference_rows(code, departement, value.value, value.state)
            row.history = [HistoryPoint(v.period, v.value, v.state, v.note) for v in history[code]]
        else:
            row.distribution = _distribution(code, values, len(members))
            row.references = _reference_rows(code, departement, None, "")
        rows.append(row)
    if unemployment_row := unemployment.row(ids):
        rows.append(unemployment_row)
    links = [link for link in all_links if link[0] in ids]
    return ContextBlock(rows, _qpv(links, members, qpv_imported), single, len(members))


def _code(value: ContextValue) -> str:
    return value.code


def _edition(value: ContextValue) -> str:
    return value.edition.edition


def _indicator(value: ContextValue) -> str:
    return value.indicator


@dataclass
class _Unemployment:
    """The employment zones of some communes (latest edition) and their rates, every period."""

    zones: list[CommuneZone]
    rates: list[ContextValue]  # latest period first

    @classmethod
    def read(cls, ids: list[int]) -> _Unemployment:
        zones = list(
            CommuneZone.objects.filter(commune_id__in=ids, edition__kind=SourceKind.CHOMAGE)
            .select_related("edition")
            .order_by("-edition__edition")
        )
        if not zones:
            return cls([], [])
        edition = zones[0].edition
        zones = [zone for zone in zones if zone.edition_id == edition.pk]
        rates = list(
            ContextValue.objects.filter(
                edition=edition,
                geo_level__in=[GeoLevel.ZONE_EMPLOI, GeoLevel.FRANCE],
                code__in=[*{zone.zone for zone in zones}, "FR"],
            ).order_by("-period")
        )
        return cls(zones, rates)

    def row(self, ids: set[int]) -> ContextRow | None:
        names = {z.zone: z.zone_name for z in self.zones if z.commune_id in ids}
        rates = [v for v in self.rates if v.code in names or v.code == "FR"]
        if not names or not rates:
            return None
        period = rates[0].period
        last = {v.code: v for v in rates if v.period == period}
        indicator = INDICATORS["unemployment_rate"]
        row = ContextRow(
            "unemployment_rate",
            indicator.label,
            "%",
            f"{indicator.source} — {period} (données CVS, zones d'emploi 2020)",
        )
        parts = [
            f"{names[code]} : {format_value('unemployment_rate', v.value, v.state)}"
            for code, v in sorted(last.items())
            if code in names
        ]
        row.value_text = " ; ".join(parts) + f" ({period})"
        if len(names) == 1:
            (zone,) = names
            row.history = [
                HistoryPoint(v.period, v.value, v.state, v.note)
                for v in reversed(rates)
                if v.code == zone
            ]
        if (france := last.get("FR")) is not None and france.value is not None:
            values = [v.value for code, v in last.items() if code in names and v.value is not None]
            level = ""
            if len(values) == 1:
                level = _level(values[0], "published", france.value)
            row.references = [
                Reference(
                    "France",
                    format_value("unemployment_rate", france.value, france.state),
                    BASIS_TEXT["national_series"],
                    level,
                )
            ]
        return row


def _qpv(
    links: list[tuple[int, str, str, str]],
    members: list[Commune],
    qpv_imported: Callable[[], bool],
) -> QpvSummary | None:
    if not links:
        return QpvSummary(0, []) if qpv_imported() else None
    latest = max(edition for *_, edition in links)
    names = {commune.pk: commune.name for commune in members}
    per_commune: dict[int, list[str]] = {}
    codes = set()
    for commune_id, code, name, edition in links:
        if edition == latest:
            per_commune.setdefault(commune_id, []).append(name)
            codes.add(code)
    communes = sorted((names[c], qpvs) for c, qpvs in per_commune.items())
    return QpvSummary(len(codes), communes)


def _qpv_imported() -> bool:
    return Qpv.objects.exists()


SIMILARITY_INDICATORS = ("poverty_rate", "median_income", "social_housing_rate")
# (editions' key, communes' context): the national context is about 70,000 values, read once
# per process and edition set, not on every page (0.8 s on PostgreSQL).
_similarity_cache: dict[tuple[tuple[int, str], ...], dict[str, dict[str, object]]] = {}


def _national_context() -> dict[str, dict[str, object]] | None:
    """Code -> context of every commune with one, from the latest edition of each indicator;
    None when no context is stored. One query when the stored editions are the ones read
    before, three otherwise."""
    key = tuple(
        (pk, imported_at.isoformat())
        for pk, imported_at in ContextEdition.objects.order_by("pk").values_list(
            "pk", "imported_at"
        )
    )
    if not key:
        return None
    if key in _similarity_cache:
        return _similarity_cache[key]
    rows = list(
        ContextValue.objects.filter(
            geo_level=GeoLevel.COMMUNE,
            indicator__in=SIMILARITY_INDICATORS,
            state__in=[ContextState.PUBLISHED.value, ContextState.CENSORED.value],
        ).values_list("code", "indicator", "value", "edition__edition")
    )
    latest: dict[str, str] = {}
    for _, indicator, _, edition in rows:
        if edition > latest.get(indicator, ""):
            latest[indicator] = edition
    result: dict[str, dict[str, object]] = {}
    for code, indicator, value, edition in rows:
        if latest[indicator] == edition:
            result.setdefault(code, dict.fromkeys(SIMILARITY_INDICATORS))[indicator] = value
    for code in Qpv.communes.through.objects.values_list("commune__code", flat=True):
        result.setdefault(code, dict.fromkeys(SIMILARITY_INDICATORS))["qpv"] = True
    _similarity_cache.clear()
    _similarity_cache[key] = result
    return result


def similarity_features(codes: set[str]) -> dict[str, dict[str, object]] | None:
    """The context of the communes `codes` for `crimestats.similar` (its optional columns):
    code -> {poverty_rate, median_income, social_housing_rate, qpv}, the latest edition of
    each indicator, a censored rate at its bound, anything else unknown (None); None when no
    context is stored."""
    national = _national_context()
    if national is None:
        return None
    empty = dict.fromkeys(SIMILARITY_INDICATORS)
    # Without a QPV list, a commune's QPV presence is unknown, not "no".
    no_qpv = False if _qpv_imported() else None
    return {code: {**empty, "qpv": no_qpv, **national.get(code, {})} for code in codes}


def with_similarity_context(features: pl.DataFrame) -> pl.DataFrame:
    """`features` of `crimestats.similar` (a `code` column) with the communes' context columns
    added (poverty, income, social housing, QPV) when context is stored; unchanged otherwise."""
    context = similarity_features(set(features.get_column("code").to_list()))
    if context is None:
        return features
    return features.with_columns(
        pl.Series(
            column,
            [context[code][column] for code in features.get_column("code")],
            dtype=pl.Boolean if column == "qpv" else pl.Float64,
        )
        for column in ("poverty_rate", "median_income", "social_housing_rate", "qpv")
    )


def qpv_counts(members: list[Commune]) -> dict[str, int] | None:
    """Commune code -> number of QPV of the latest list in it, for the members (one query);
    None when no QPV list is stored."""
    links = list(
        Qpv.communes.through.objects.filter(commune_id__in=[c.pk for c in members]).values_list(
            "commune__code", "qpv__edition__edition"
        )
    )
    if not links:
        return None if not _qpv_imported() else dict.fromkeys((c.code for c in members), 0)
    latest = max(edition for _, edition in links)
    counts = dict.fromkeys((c.code for c in members), 0)
    for code, edition in links:
        if edition == latest:
            counts[code] += 1
    return counts
