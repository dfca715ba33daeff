"""Values of the objectives' context indicators, read from the imported context data.

A library entry may be bound to a context source (``IndicatorDefinition.context_source``: a
poverty rate, a median income, a social-housing rate, the median school IPS, the unemployment
rate of the employment zone, the number of priority neighbourhoods). Its values for an
objective are those of the indicator's territory, its perimeter commune or else the council's
communes, as the observatory's context block shows them (stspd.context.summary, reused, not
recomputed): a commune's own value with its state (published, "non diffusée" under statistical
secrecy, censored "≤ 5 %", never an exact 5 %), its source and edition; for several communes,
no value where the source does not allow one to be computed from the communes' (a rate
without its denominator or a median does not add up) but their distribution, with that reason;
the employment zone's rate; the number of distinct QPV of the territory (a count adds up).

Context indicators describe the territory: they never get a status. They are shown beside the
result indicators they explain (``ObjectiveIndicator.explains``).

This lives in steering because indicators and context are independent rooms: steering is above
both.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from crimestats.context import INDICATORS, QPV_SOURCE, ContextState
from crimestats.french import number
from stspd.context.summary import (
    ContextBlock,
    ContextRow,
    HistoryPoint,
    QpvSummary,
    context_blocks,
    format_value,
)
from stspd.councils.models import Council
from stspd.indicators.models import QPV_COUNT
from stspd.strategy.models import ObjectiveIndicator
from stspd.territories.departements import main_departement
from stspd.territories.models import Commune

NOT_IMPORTED = (
    "Aucune donnée de contexte de cette source n'est importée pour ce territoire "
    "(stspd import-context)."
)
NO_COMMUNE = (
    "Pas de valeur : le territoire du conseil n'a aucune commune dans le référentiel des "
    "territoires."
)
NOT_ADDITIVE = (
    "Pas de valeur pour un territoire de plusieurs communes : la source ne le permet pas "
    "(un taux sans ses effectifs ou une médiane ne s'additionne pas)."
)


@dataclass(frozen=True)
class ContextSeries:
    """A context indicator on its territory: its latest value (or why there is none), the
    département and France references, its source line and its history."""

    source: str  # the definition's context_source
    territory: str  # "Rouen", "territoire du conseil (71 communes)"
    single: bool  # one commune (or, for unemployment, whatever the communes: a zone's rate)
    row: ContextRow | None  # None when the source has nothing for the territory
    qpv: QpvSummary | None = None
    empty: bool = False  # the council's territory has no commune in the reference

    @property
    def value_text(self) -> str:
        """The headline: the value as its state says, or why there is none."""
        if self.empty:
            return NO_COMMUNE
        if self.source == QPV_COUNT:
            if self.qpv is None:
                return NOT_IMPORTED
            return f"{number(self.qpv.count)} quartier{'s' if self.qpv.count > 1 else ''}"
        if self.row is None:
            return NOT_IMPORTED
        if self.row.distribution:
            return NOT_ADDITIVE
        return self.row.value_text

    @property
    def has_value(self) -> bool:
        """A value of the territory is shown (possibly "non diffusée"), not why there is none."""
        return self.value_text not in (NOT_IMPORTED, NOT_ADDITIVE, NO_COMMUNE)

    @property
    def detail(self) -> str:
        """The members' distribution, the QPV by commune, or a value's note."""
        if self.source == QPV_COUNT:
            if not self.qpv or not self.qpv.communes:
                return ""
            return "Communes concernées : " + " ; ".join(
                f"{name} ({', '.join(qpvs)})" for name, qpvs in self.qpv.communes
            )
        if self.row is None:
            return ""
        if self.row.distribution:
            return f"Répartition des communes du territoire : {self.row.distribution}."
        return self.row.note

    @property
    def references(self) -> str:
        """ "Seine-Maritime : 14,5 % (médiane des … communes), France : …", or ""."""
        if self.row is None:
            return ""
        return " ; ".join(f"{r.label} : {r.text} ({r.basis})" for r in self.row.references)

    @property
    def level_text(self) -> str:
        """ "au-dessus du repère de Seine-Maritime", or "" when not compared."""
        if self.row is None or not self.row.references or not self.row.references[0].level:
            return ""
        reference = self.row.references[0]
        words = {"au-dessus": "au-dessus du", "en dessous": "en dessous du", "égal": "au niveau du"}
        return f"{words[reference.level]} repère de {reference.label}"

    @property
    def source_line(self) -> str:
        if self.source == QPV_COUNT:
            return QPV_SOURCE + " — liste 2024" if self.qpv is not None else ""
        return self.row.source if self.row is not None else ""

    @property
    def history(self) -> list[HistoryPoint]:
        return self.row.history if self.row is not None else []

    @property
    def unit(self) -> str:
        if self.source == QPV_COUNT:
            return "nombre"
        return INDICATORS[self.source].unit

    def origin(self) -> str:
        """Where the values come from, in one sentence."""
        line = self.source_line or "données de contexte importées"
        return f"Valeurs : {line} ; territoire : {self.territory}."


def history_text(source: str, point: HistoryPoint) -> str:
    """A stored value as its state says: "23 %", "≤ 5 %", "non diffusée (secret statistique)"."""
    text = format_value(source, point.value, point.state)
    if not ContextState.of(point.state).has_value and point.note:
        return f"{text} ({point.note})"
    return text


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a context period: "2021", "2025-T4", "2024-2025" (a school year).

    >>> period_bounds("2025-T4")
    (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    >>> period_bounds("2025-T1")
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    >>> period_bounds("2024-2025")
    (datetime.date(2024, 9, 1), datetime.date(2025, 8, 31))
    """
    if "-T" in period:
        year, quarter = period.split("-T")
        first_month = 3 * (int(quarter) - 1) + 1
        start = datetime.date(int(year), first_month, 1)
        following = datetime.date(int(year) + (first_month == 10), (first_month + 2) % 12 + 1, 1)
        return start, following - datetime.timedelta(days=1)
    if "-" in period:
        first, last = period.split("-")
        return datetime.date(int(first), 9, 1), datetime.date(int(last), 8, 31)
    return datetime.date(int(period), 1, 1), datetime.date(int(period), 12, 31)


def context_series(
    uses: Sequence[ObjectiveIndicator], council: Council
) -> dict[int, ContextSeries]:
    """ObjectiveIndicator pk -> its context, for those of `uses` bound to a context source
    (the others are left out; no query when there is none). `uses` are the council's, with
    their definition and perimeter commune loaded. Seven queries at most whatever the numbers of
    indicators and perimeters."""
    fed = [use for use in uses if use.definition.from_context]
    if not fed:
        return {}
    members = list(
        Commune.objects.filter(pk__in=council.communes().values("pk"))
        .select_related("departement")
        .order_by("name")
    )
    by_pk = {commune.pk: commune for commune in members}
    outside = {use.commune_id for use in fed if use.commune_id is not None} - set(by_pk)
    if outside:  # a perimeter commune not (or no longer) among the council's communes
        by_pk.update(Commune.objects.select_related("departement").in_bulk(outside))
    territories: dict[int | None, list[Commune]] = {}
    # Compared, as in the observatory, with the département of most of the council's
    # inhabitants; a perimeter commune with its own département.
    departements: dict[int | None, tuple[str, str]] = {}
    if members:
        territories[None] = members
        departements[None] = main_departement(members)
    for use in fed:
        if use.commune_id is not None:
            commune = by_pk[use.commune_id]
            territories[use.commune_id] = [commune]
            departements[use.commune_id] = (commune.departement.code, commune.departement.name)
    blocks = context_blocks(territories, departements) if territories else {}
    series = {}
    for use in fed:
        source = use.definition.context_source
        if use.commune_id is None and not members:
            # The council's territory has no commune in the reference: nothing to read.
            series[use.pk] = ContextSeries(
                source=source,
                territory="territoire du conseil (aucune commune)",
                single=False,
                row=None,
                empty=True,
            )
            continue
        block: ContextBlock = blocks[use.commune_id]
        row = next((r for r in block.rows if r.code == source), None)
        if use.commune is not None:
            territory = use.commune.name
        elif len(members) == 1:
            territory = members[0].name
        else:
            territory = f"territoire du conseil ({number(len(members))} communes)"
        series[use.pk] = ContextSeries(
            source=source,
            territory=territory,
            single=block.single,
            row=row,
            qpv=block.qpv,
        )
    return series
