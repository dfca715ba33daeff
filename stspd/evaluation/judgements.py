"""What changed for each result indicator of an objective, and whether comparable communes
changed as much.

Every statistic is crimestats': the exact Poisson change between two years
(`crimestats.change`), a Poisson difference-in-differences and a synthetic control with its
placebo test (`crimestats.counterfactual`). This module only reads the stored figures (through
`stspd.observatory.figures.load_values`) and the reported measurements, chooses the years and
the comparison communes, and says why a figure cannot be computed when it cannot.

Choices (docs/decisions.md, "Evaluation"):

- the change of an SSMSI indicator compares the baseline's year with the latest year stored, on
  counts and exposures (inhabitants, or dwellings for burglary); on the council's whole
  territory, a year where a member commune is suppressed is read at constant perimeter (the
  members known both years), never as a lower bound;
- a reported indicator's change is the latest validated value against the baseline, with no
  interval: the values give none, so none is invented;
- the counterfactual is drawn for a commune (the indicator's perimeter, or a single-commune
  council): years before the intervention's first year (the strategy's, unless the coordinator
  set another with its reason) against the years since; donors are the 200 communes of the
  département most similar to it (`crimestats.similar`) among those with a published value,
  the council's other communes left out (the strategy acts there too); the
  difference-in-differences uses the 20 most similar of them (19 are needed for a placebo
  p-value to reach 5 %).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import polars as pl

from crimestats.change import describe_change, poisson_change
from crimestats.counterfactual import (
    INCONCLUSIVE,
    PRE_TREND_ALPHA,
    check_did,
    check_synthetic_control,
    describe_did,
    describe_synthetic_control,
    placebo_test,
    poisson_did,
    pre_trend_test,
    synthetic_control_detectable,
)
from crimestats.french import date, number, percent_change, rate
from crimestats.power import describe_detectable, detectable_change, did_detectable_from_se
from crimestats.similar import BalanceRow, balance, similar_communes
from crimestats.states import ValueState
from crimestats.trend import quasi_poisson_trend
from stspd.context.summary import with_similarity_context
from stspd.indicators.enums import IndicatorKind
from stspd.observatory.figures import load_values
from stspd.observatory.models import GeoLevel
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.steering.periods import period_label
from stspd.steering.survey_series import survey_series
from stspd.strategy.models import ObjectiveIndicator, Strategy
from stspd.surveys.results import compare_shares
from stspd.territories.models import Commune, CommuneKind

from .models import InterventionStart

KNOWN = (ValueState.PUBLISHED, ValueState.ZERO)
DONORS = 200
DID_CONTROLS = 20
MIN_PRE_YEARS = 3
SIGNIFICANCE = 0.05


def _years_text(years: Iterable[int]) -> str:
    items = sorted(years)
    return ", ".join(str(y) for y in items)


# --------------------------------------------------------------------------------------------
# The change from the baseline
# --------------------------------------------------------------------------------------------


@dataclass
class Change:
    """The change of one indicator from its baseline to its latest value, in words and figures.

    `significant` is None when no test applies (a reported value, or nothing to compare).
    """

    before_label: str = ""
    after_label: str = ""
    before: str = ""
    after: str = ""
    sentence: str = ""
    significant: bool | None = None
    perimeter: str = ""
    interval: bool = False
    detectable: str = ""
    variation: str = ""  # the extra year-to-year variation taken into account, in words
    computed: bool = False  # both figures known and compared (else `sentence` says why not)


MIN_HISTORY_YEARS = 4


def _extra_variation(
    data: pl.DataFrame, codes: list[str], denominator: str, latest: int
) -> tuple[float, int, str]:
    """The perimeter's year-to-year variation beyond Poisson chance: the quasi-Poisson
    dispersion of its yearly totals around their trend (`crimestats.trend`, floored at 1),
    on the years up to `latest` where every commune of `codes` is known, when there are at
    least 4 of them; (1, 0, "") otherwise. A change of a series that varies that much is
    tested with it (bench/calibration.py: the exact test alone called 42 % of changes of
    such 500-fact series significant)."""
    known = data.filter(
        pl.col("geo_code").is_in(codes)
        & pl.col("state").is_in(KNOWN)
        & pl.col(denominator).is_not_null()
        & (pl.col(denominator) > 0)
        & (pl.col("year") <= latest)
    )
    totals = (
        known.group_by("year")
        .agg(pl.len().alias("n"), pl.col("count").sum(), pl.col(denominator).sum().alias("e"))
        .filter(pl.col("n") == len(codes))
        .sort("year")
    )
    if totals.height < MIN_HISTORY_YEARS:
        return 1.0, 0, ""
    trend = quasi_poisson_trend(
        [totals.get_column("count").cast(pl.Float64).to_list()],
        [totals.get_column("e").cast(pl.Float64).to_list()],
        totals.get_column("year").to_list(),
    )
    phi = float(trend.dispersion[0])
    df = totals.height - 2
    if not math.isfinite(phi) or phi <= 1:
        return 1.0, df, ""
    return (
        phi,
        df,
        f"la série varie d'une année sur l'autre plus que le seul hasard (facteur "
        f"{number(phi, 1)} estimé sur {totals.height} années) : l'intervalle et le test en "
        "tiennent compte",
    )


def _denominator_column(kind: str) -> str:
    return "dwellings" if kind == "dwellings" else "population"


def observatory_change(frame: pl.DataFrame, codes: list[str], baseline_year: int) -> Change:
    """Exact Poisson change of the communes `codes` summed, from `baseline_year` to the latest
    year of `frame` (one indicator's stored values, as `load_values` returns them)."""
    data = frame.filter(pl.col("geo_code").is_in(codes))
    if data.is_empty():
        return Change(sentence="aucune valeur de l'observatoire pour ce périmètre")
    latest = int(data.get_column("year").max())  # type: ignore[arg-type]  # polars types max() as PythonLiteral | None; `data` is non-empty and its years integers
    if latest <= baseline_year:
        return Change(
            sentence=(
                f"pas encore de valeur postérieure à l'année de référence {baseline_year} "
                f"(dernière année publiée : {latest})"
            )
        )
    denominator = _denominator_column(str(data.get_column("denominator_kind")[0]))
    both = data.filter(pl.col("year").is_in([baseline_year, latest]))
    known = both.filter(
        pl.col("state").is_in(KNOWN) & pl.col(denominator).is_not_null() & (pl.col(denominator) > 0)
    )
    by_code = known.group_by("geo_code").agg(pl.len().alias("n")).filter(pl.col("n") == 2)
    kept = set(by_code.get_column("geo_code").to_list())
    perimeter = ""
    if len(codes) == 1 and not kept:
        states = dict(both.select("year", "state").iter_rows())
        hidden = [y for y in (baseline_year, latest) if states.get(y) not in KNOWN]
        why = (
            f"valeur soumise au secret statistique en {_years_text(hidden)}"
            if any(states.get(y) == ValueState.SUPPRESSED for y in hidden)
            else "valeur ou dénominateur manquant"
        )
        return Change(sentence=f"évolution non calculable : {why}")
    if not kept:
        return Change(
            sentence="évolution non calculable : aucune commune n'est diffusée les deux années"
        )
    if len(codes) > 1 and len(kept) < len(codes):
        perimeter = (
            f"à périmètre constant : {len(kept)} communes sur {len(codes)}, celles dont la "
            f"valeur est diffusée en {baseline_year} et en {latest}"
        )
    sums = (
        known.filter(pl.col("geo_code").is_in(list(kept)))
        .group_by("year")
        .agg(pl.col("count").sum(), pl.col(denominator).sum().alias("exposure"))
    )
    values = {row[0]: (float(row[1]), float(row[2])) for row in sums.iter_rows()}
    (k0, e0), (k1, e1) = values[baseline_year], values[latest]
    phi, df, note = _extra_variation(data, sorted(kept), denominator, latest)
    result = poisson_change(
        [k0], [e0], [k1], [e1], dispersion=phi if phi > 1 else None, dispersion_df=df
    )
    p = float(result.p_value[0])
    # The smallest drop (or rise, when the rate rose) the test would see 4 times out of 5.
    direction: Literal["decrease", "increase"] = "increase" if k1 / e1 > k0 / e0 else "decrease"
    detectable = describe_detectable(
        detectable_change(
            k0, e0, e1, direction=direction, dispersion=phi, dispersion_df=df if phi > 1 else None
        )
    )
    return Change(
        before_label=str(baseline_year),
        after_label=str(latest),
        before=f"{rate(1000 * k0 / e0)} ({k0:.0f} faits)",
        after=f"{rate(1000 * k1 / e1)} ({k1:.0f} faits)",
        sentence=f"de {baseline_year} à {latest} : {describe_change(result, 0)}",
        significant=None if math.isnan(p) else p < result.alpha,
        perimeter=perimeter,
        interval=not math.isnan(p),
        detectable=detectable,
        variation=note,
        computed=True,
    )


def survey_change(use: ObjectiveIndicator, until: datetime.date | None = None) -> Change:
    """First wave against the last of an indicator fed by the surveys: the change in points with
    its interval and test, the surveys' comparison (surveys.results.compare_shares). `until`:
    the waves whose collection ended by that day only (a review of a year)."""
    series = survey_series([use]).get(use.pk)
    waves = series.waves if series else []
    if until is not None:
        waves = [wave for wave in waves if wave.on <= until]
    if len(waves) < 2:
        return Change(sentence="moins de deux vagues d'enquête publiées : évolution non calculable")
    first, last = waves[0], waves[-1]
    comparison = compare_shares("", first.share.estimate, last.share.estimate)
    change = Change(
        before_label=f"vague close le {date(first.on)}",
        after_label=f"vague close le {date(last.on)}",
        before=f"{number(first.value, 1)} %" if first.value is not None else "non diffusé",
        after=f"{number(last.value, 1)} %" if last.value is not None else "non diffusé",
        sentence="une des deux vagues n'est pas diffusée : évolution non testée",
    )
    if comparison.change is not None:
        reading = (
            "évolution significative au seuil de 5 %"
            if comparison.significant
            else "pas d'évolution démontrée au seuil de 5 %"
        )
        change.sentence = (
            f"{comparison.change_text} entre la première et la dernière vague, {reading}"
        )
        change.significant = comparison.significant
        change.interval = True
        change.computed = True
    return change


def reported_change(use: ObjectiveIndicator, measurements: list[Measurement]) -> Change:
    """The latest validated value against the baseline: a difference, with no interval."""
    periodicity = use.definition.periodicity
    validated = sorted(
        (m for m in measurements if m.status == MeasurementStatus.VALIDATED),
        key=lambda m: m.period_start,
    )
    if use.baseline_value is None:
        return Change(sentence="pas de valeur de référence : évolution non calculable")
    base = Decimal(use.baseline_value)
    before_label = date(use.baseline_on) if use.baseline_on else "référence"
    if not validated:
        return Change(
            before_label=before_label,
            before=number(base, None),
            sentence="aucune valeur validée depuis la valeur de référence",
        )
    last = validated[-1]
    label = period_label(last.period_start, periodicity)
    if last.value is None:
        return Change(
            before_label=before_label,
            before=number(base, None),
            after_label=label,
            after="non communiquée",
            sentence=f"dernière valeur ({label}) non communiquée : évolution non calculable",
        )
    value = Decimal(last.value)
    difference = value - base
    relative = ""
    if base != 0:
        relative = f" ({percent_change(float(difference / base))})"
    verb = "hausse" if difference > 0 else "baisse" if difference < 0 else "stabilité"
    amount = f" de {number(abs(difference), None)} {use.definition.unit}" if difference else ""
    return Change(
        before_label=before_label,
        before=number(base, None),
        after_label=label,
        after=number(value, None),
        sentence=(
            f"{verb}{amount}{relative} entre la valeur de référence et la dernière valeur validée "
            f"({label}) ; valeur renseignée sans intervalle de confiance : l'écart n'est pas testé"
        ),
        computed=True,
    )


# --------------------------------------------------------------------------------------------
# The counterfactual
# --------------------------------------------------------------------------------------------


@dataclass
class Counterfactual:
    """Difference-in-differences and synthetic control of one commune's indicator.

    `reason` says why nothing (or only part) could be computed; chart lists hold None where a
    value is unknown (never 0).
    """

    commune: str
    start_year: int
    start_reason: str = ""
    reason: str = ""
    years: list[int] = field(default_factory=list)
    n_pre: int = 0
    did_sentence: str = ""
    did_reason: str = ""
    sc_sentence: str = ""
    sc_reason: str = ""
    conclusion: str = ""
    treated: list[float | None] = field(default_factory=list)
    synthetic: list[float | None] = field(default_factory=list)
    gap: list[float | None] = field(default_factory=list)
    donors: list[tuple[str, float]] = field(default_factory=list)  # main donors, name + weight
    n_donors: int = 0
    n_usable: int = 0
    n_controls: int = 0
    p_value: float | None = None
    pre_rmspe: float | None = None
    did_p_value: float | None = None
    did_ratio: float | None = None
    did_detectable: str = ""
    sc_detectable: str = ""
    # Event study of the pre-period (parallel trends): year, ratio, interval; None if untested.
    pre_trend: list[tuple[int, float, float, float]] = field(default_factory=list)
    pre_trend_p: float | None = None
    # The difference-in-differences' comparison communes, closest first, and their balance.
    controls: list[str] = field(default_factory=list)
    balance: list[BalanceRow] = field(default_factory=list)

    @property
    def balance_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """The balance table in words: variable, the commune, the candidates' mean and its
        standardised difference, the comparison communes' mean and theirs."""

        def mean(row: BalanceRow, x: float | None) -> str:
            if x is None:
                return "inconnu"
            if row.variable == "qpv":  # a share of communes with a QPV
                return f"{number(100 * x, 0)} %"
            return number(x, 0 if row.variable in ("population", "median_income") else 1)

        def own(row: BalanceRow) -> str:
            if row.variable == "qpv" and row.commune is not None:
                return "oui" if row.commune else "non"
            return mean(row, row.commune)

        def difference(x: float | None) -> str:
            return "—" if x is None else number(x, 2)

        return [
            (
                row.label,
                own(row),
                mean(row, row.before),
                difference(row.difference_before),
                mean(row, row.after),
                difference(row.difference_after),
            )
            for row in self.balance
        ]

    @property
    def available(self) -> bool:
        return bool(self.did_sentence or self.sc_sentence)

    @property
    def pre_trend_rows(self) -> list[tuple[int, str, str, str]]:
        """The event study's leads in words: year, relative gap and its interval."""
        return [
            (year, percent_change(r - 1), percent_change(lo - 1), percent_change(hi - 1))
            for year, r, lo, hi in self.pre_trend
        ]

    @property
    def pre_trend_text(self) -> str:
        if self.pre_trend_p is None:
            return ""
        verdict = "tendances parallèles" if self.pre_trend_p >= 0.10 else "non parallèles"
        shown = "p < 0,001" if self.pre_trend_p < 0.001 else f"p = {number(self.pre_trend_p, 2)}"
        return f"{shown}, {verdict} au seuil de 10 %"

    @property
    def pre_years(self) -> list[int]:
        return self.years[: self.n_pre]

    @property
    def post_years(self) -> list[int]:
        return self.years[self.n_pre :]

    def chart(self) -> dict[str, Any]:
        return {
            "years": self.years,
            "n_pre": self.n_pre,
            "treated": self.treated,
            "synthetic": self.synthetic,
            "gap": self.gap,
            "commune": self.commune,
            # Event study: the commune's gap to its comparison's path before the start, in %
            # of the last year before it (0 = parallel), with its 90 % interval.
            "pre_trend": {
                "years": [year for year, *_ in self.pre_trend],
                "gap": [round(100 * (r - 1), 2) for _, r, _, _ in self.pre_trend],
                "low": [round(100 * (lo - 1), 2) for _, _, lo, _ in self.pre_trend],
                "high": [round(100 * (hi - 1), 2) for _, _, _, hi in self.pre_trend],
            },
        }


def _verdict(sentence: str) -> str:
    return sentence.rsplit(" : ", 1)[-1]


def _conclusion(did: str, sc: str) -> str:
    """One conclusion from the two methods: theirs when they agree, a prudent one otherwise;
    a method whose design allows no verdict ("non concluant") gives none, and "non concluant"
    is never turned into "no effect"."""
    verdicts = [_verdict(s) for s in (did, sc) if s]
    if not verdicts:
        return ""
    conclusive = [v for v in verdicts if not v.startswith(INCONCLUSIVE)]
    if not conclusive:
        return (
            "Non concluant : les conditions des méthodes ne sont pas réunies (voir ci-dessous) ; "
            "cela ne veut pas dire que l'action n'a pas eu d'effet."
        )
    if len(conclusive) < len(verdicts):
        verdict = conclusive[0]
        return (
            f"{verdict[0].upper()}{verdict[1:]} (une seule méthode concluante, l'autre est non "
            "concluante : résultat à confirmer)."
        )
    if len({v.split(" (", 1)[0] for v in verdicts}) == 1:
        both = "les deux méthodes concordent" if len(verdicts) == 2 else "une seule méthode"
        return f"{verdicts[0][0].upper()}{verdicts[0][1:]} ({both})."
    return (
        "Les deux méthodes ne concordent pas : différence de différences, "
        f"« {_verdict(did)} » ; contrôle synthétique, « {_verdict(sc)} ». "
        "Conclusion prudente : l'effet n'est pas établi."
    )


DepartementRow = tuple[str, str, int | None, str, str]


def departement_communes(departement_id: int) -> list[DepartementRow]:
    """(code, name, population, EPCI kind, département) of a département's communes (one
    query)."""
    return list(
        Commune.objects.filter(
            departement_id=departement_id, kind=CommuneKind.COMMUNE, population__gt=0
        ).values_list("code", "name", "population", "epci__kind", "departement__code")
    )


@dataclass
class DonorPool:
    """The communes most similar to a commune, closest first, as (code, name), and how the
    difference-in-differences' comparison communes (the first `DID_CONTROLS`) resemble it
    against all the candidates (`balance`)."""

    communes: list[tuple[str, str]] = field(default_factory=list)
    balance: list[BalanceRow] = field(default_factory=list)


def candidate_pool(
    commune: Commune, rows: list[DepartementRow], excluded: set[str], with_data: set[str]
) -> DonorPool:
    """The communes among `rows` most similar to `commune` on size and, where it is stored,
    context (poverty, income, social housing, QPV): only those with a value stored
    (`with_data`), the `excluded` codes left out."""
    names = {code: name for code, name, *_ in rows}
    rows = [r for r in rows if r[0] == commune.code or (r[0] not in excluded and r[0] in with_data)]
    if commune.code not in names or len(rows) < 2:
        return DonorPool()
    features = pl.DataFrame(
        {
            "code": [r[0] for r in rows],
            "population": [r[2] for r in rows],
            "dwellings": [None] * len(rows),
            "epci_type": [r[3] for r in rows],
            "departement": [r[4] for r in rows],
        },
        schema={
            "code": pl.String,
            "population": pl.Int64,
            "dwellings": pl.Int64,
            "epci_type": pl.String,
            "departement": pl.String,
        },
    )
    features = with_similarity_context(features)
    chosen = similar_communes(features, commune.code, k=min(DONORS, len(rows) - 1))
    codes = chosen.get_column("code").to_list()
    return DonorPool(
        communes=[(code, names[code]) for code in codes],
        balance=balance(features, commune.code, codes[:DID_CONTROLS]),
    )


def _panel(
    frame: pl.DataFrame, codes: list[str], years: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """counts and exposures (communes x years); NaN where suppressed, missing or unknown."""
    index = {code: i for i, code in enumerate(codes)}
    column = {year: j for j, year in enumerate(years)}
    counts = np.full((len(codes), len(years)), np.nan)
    exposures = np.full((len(codes), len(years)), np.nan)
    if frame.is_empty():
        return counts, exposures
    denominator = _denominator_column(str(frame.get_column("denominator_kind")[0]))
    for code, year, state, count, exposure in frame.select(
        "geo_code", "year", "state", "count", denominator
    ).iter_rows():
        i, j = index.get(code), column.get(year)
        if i is None or j is None:
            continue
        if state in KNOWN and count is not None:
            counts[i, j] = float(count)
        if exposure:
            exposures[i, j] = float(exposure)
    return counts, exposures


def counterfactual(
    commune: Commune,
    frame: pl.DataFrame,
    pool: list[tuple[str, str]],
    start_year: int,
    *,
    start_reason: str = "",
) -> Counterfactual:
    """Difference-in-differences and synthetic control of `commune` against `pool`.

    `frame` holds the indicator's stored values of the commune and of the pool.
    """
    result = Counterfactual(commune=commune.name, start_year=start_year, start_reason=start_reason)
    own = frame.filter(pl.col("geo_code") == commune.code)
    if own.is_empty():
        result.reason = "aucune valeur de l'observatoire pour cette commune"
        return result
    years = sorted(set(frame.get_column("year").to_list()))
    result.years = years
    pre = [y for y in years if y < start_year]
    post = [y for y in years if y >= start_year]
    result.n_pre = len(pre)
    if not post:
        result.reason = (
            f"aucune année publiée depuis le début de l'intervention en {start_year} (dernière "
            f"année disponible : {years[-1]}) : la comparaison sera possible à la parution de "
            "la prochaine édition"
        )
        return result
    if len(pre) < MIN_PRE_YEARS:
        result.reason = (
            f"trop peu d'années avant le début de l'intervention en {start_year} ({len(pre)} ; "
            f"il en faut au moins {MIN_PRE_YEARS} pour juger de la comparaison)"
        )
        return result
    if not pool:
        result.reason = "aucune commune comparable du département n'a de valeur publiée"
        return result
    codes = [commune.code] + [code for code, _ in pool]
    names = dict(pool)
    counts, exposures = _panel(frame, codes, years)
    if np.all(np.isnan(exposures[0])):
        result.reason = (
            "dénominateur inconnu pour la commune (le nombre de logements manque au fichier "
            "importé) : taux non calculables"
        )
        return result
    result.n_donors = len(pool)

    # Difference-in-differences: the commune and its 20 most similar communes.
    controls = slice(0, DID_CONTROLS + 1)
    did = poisson_did(counts[controls], exposures[controls], len(pre))
    result.n_controls = counts[controls].shape[0] - 1
    result.controls = [names[code] for code in codes[1 : DID_CONTROLS + 1]]
    if math.isnan(did.p_value):
        result.did_reason = describe_did(did)
    else:
        trend = pre_trend_test(counts[controls], exposures[controls], len(pre))
        if not trend.reason:
            result.pre_trend = [
                (years[t], ratio, low, high)
                for t, ratio, low, high in zip(
                    trend.years, trend.lead_ratio, trend.lead_low, trend.lead_high, strict=True
                )
            ]
            result.pre_trend_p = trend.p_value
        result.did_sentence = describe_did(did, check_did(did, trend))
        result.did_p_value = did.p_value
        result.did_ratio = did.ratio
        # The detectable effect of the test the verdict rests on (quasi-Poisson t).
        result.did_detectable = describe_detectable(
            did_detectable_from_se(
                did.delta_se,
                did.df,
                alpha=SIGNIFICANCE,
                direction="increase" if did.ratio > 1 else "decrease",
                gate_alpha=PRE_TREND_ALPHA,
                # The commune's facts since the start, as they would have been without the
                # action's estimated effect: the variance under an effect grows as they fall,
                # from the variance of the facts observed (did.ratio times them).
                treated_post_count=float(np.nansum(counts[0, len(pre) :])) / did.ratio,
                observed_ratio=did.ratio,
                scale=did.scale,
            )
        )

    # Synthetic control on rates per 1,000: the commune's series must be complete.
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = counts / exposures * 1000
    hidden = [years[j] for j in range(len(years)) if np.isnan(rates[0, j])]
    if hidden:
        suppressed = [years[j] for j in range(len(years)) if np.isnan(counts[0, j])]
        why = "soumise au secret statistique" if suppressed else "sans valeur ou sans dénominateur"
        result.sc_reason = (
            f"la série de la commune est {why} en {_years_text(hidden)} : pas de contrôle "
            "synthétique (une valeur non diffusée n'est jamais lue comme 0)"
        )
    else:
        donors = rates[1:].T.copy()  # years x donors
        # A donor with no fact before the start (a small commune's published zeros) tells
        # nothing of the trend and would fit every other such commune perfectly.
        donors[:, np.nansum(counts[1:, : len(pre)], axis=1) == 0] = np.nan
        usable = np.all(np.isfinite(donors), axis=0)
        result.n_usable = int(usable.sum())
        if result.n_usable < 2:
            result.sc_reason = (
                "moins de deux communes comparables ont une série complète (les autres ont des "
                "années sous secret statistique)"
            )
        else:
            test = placebo_test(rates[0], donors, len(pre))
            fit = test.fit
            donor_names = [names[code] for code in codes[1:]]
            check = check_synthetic_control(test, alpha=SIGNIFICANCE, names=donor_names)
            result.sc_sentence = describe_synthetic_control(test, alpha=SIGNIFICANCE, check=check)
            post_gap = float(np.mean(fit.gap[len(pre) :]))
            result.sc_detectable = describe_detectable(
                synthetic_control_detectable(
                    test,
                    donors,
                    alpha=SIGNIFICANCE,
                    direction="increase" if post_gap > 0 else "decrease",
                )
            )
            result.p_value = test.p_value
            result.pre_rmspe = fit.pre_rmspe
            result.treated = [round(float(v), 3) for v in fit.treated]
            result.synthetic = [round(float(v), 3) for v in fit.synthetic]
            result.gap = [round(float(v), 3) for v in fit.gap]
            order = np.argsort(-fit.weights)
            result.donors = [
                (names[codes[1 + j]], float(fit.weights[j]))
                for j in order[:10]
                if fit.weights[j] >= 0.005
            ]
    if not result.treated:
        with np.errstate(invalid="ignore"):
            result.treated = [None if math.isnan(v) else round(float(v), 3) for v in rates[0]]
    result.conclusion = _conclusion(result.did_sentence, result.sc_sentence)
    return result


# --------------------------------------------------------------------------------------------
# An objective's indicators
# --------------------------------------------------------------------------------------------


@dataclass
class IndicatorJudgement:
    use: ObjectiveIndicator
    name: str
    perimeter: str
    change: Change
    counterfactual: Counterfactual | None
    counterfactual_note: str = ""


def start_of(use: ObjectiveIndicator, strategy: Strategy) -> tuple[int, str]:
    """The intervention's first year and why: the coordinator's, else the strategy's."""
    try:
        start: InterventionStart = use.intervention_start
    except InterventionStart.DoesNotExist:
        return strategy.starts_on.year, ""
    return start.year, start.reason.strip().rstrip(".")


class ObservatoryCache:
    """Stored values and donor pools read once per request, whatever the number of indicators
    that need them."""

    def __init__(self) -> None:
        self._values: dict[tuple[Any, ...], pl.DataFrame] = {}
        self._departements: dict[int, list[DepartementRow]] = {}

    def values(self, codes: list[str], indicator: Any) -> pl.DataFrame:
        key = (tuple(sorted(codes)), indicator.pk)
        if key not in self._values:
            self._values[key] = load_values(GeoLevel.COMMUNE, codes, indicator=indicator)
        return self._values[key]

    def departement(self, departement_id: int) -> list[DepartementRow]:
        if departement_id not in self._departements:
            self._departements[departement_id] = departement_communes(departement_id)
        return self._departements[departement_id]


def judge_indicators(
    strategy: Strategy,
    uses: list[ObjectiveIndicator],
    members: list[Commune],
    measurements: dict[int, list[Measurement]],
    cache: ObservatoryCache | None = None,
    *,
    until: datetime.date | None = None,
) -> list[IndicatorJudgement]:
    """Change and counterfactual of each result indicator among `uses` (context ones are left
    out: the strategy does not steer them). `members`: the council's communes. `until`: the
    values dated by that day only (the observatory's years up to its year, the survey waves
    closed by then): a review of year N never reads year N+1."""
    cache = cache or ObservatoryCache()

    def values(codes: list[str], indicator: Any) -> pl.DataFrame:
        frame = cache.values(codes, indicator)
        if until is not None and not frame.is_empty():
            frame = frame.filter(pl.col("year") <= until.year)
        return frame

    member_codes = [c.code for c in members]
    judgements = []
    for use in uses:
        definition = use.definition
        if definition.kind != IndicatorKind.RESULT:
            continue
        commune = use.commune or (members[0] if len(members) == 1 else None)
        perimeter = commune.name if commune else "tout le territoire du conseil"
        baseline_year = use.baseline_on.year if use.baseline_on else strategy.starts_on.year - 1
        name = definition.name + (f" — {use.commune.name}" if use.commune else "")
        if definition.from_survey:
            judgements.append(
                IndicatorJudgement(
                    use=use,
                    name=name,
                    perimeter="territoire enquêté",
                    change=survey_change(use, until),
                    counterfactual=None,
                    counterfactual_note=(
                        "Indicateur tiré des enquêtes auprès des habitants : pas de série des "
                        "communes comparables, donc pas de comparaison contrefactuelle."
                    ),
                )
            )
            continue
        if definition.observatory_indicator is None:
            judgements.append(
                IndicatorJudgement(
                    use=use,
                    name=name,
                    perimeter=perimeter,
                    change=reported_change(use, measurements.get(use.pk, [])),
                    counterfactual=None,
                    counterfactual_note=(
                        "Indicateur renseigné par les partenaires : pas de série des communes "
                        "comparables, donc pas de comparaison contrefactuelle."
                    ),
                )
            )
            continue
        indicator = definition.observatory_indicator
        codes = [commune.code] if commune else member_codes
        change = observatory_change(values(codes, indicator), codes, baseline_year)
        if commune is None:
            judgements.append(
                IndicatorJudgement(
                    use=use,
                    name=name,
                    perimeter=perimeter,
                    change=change,
                    counterfactual=None,
                    counterfactual_note=(
                        "Indicateur sur tout le territoire d'une intercommunalité : la "
                        "comparaison avec des communes comparables se fait commune par commune "
                        "(fixez le périmètre de l'indicateur sur une commune membre)."
                    ),
                )
            )
            continue
        rows = cache.departement(commune.departement_id)
        frame = values([row[0] for row in rows], indicator)
        with_data = set(
            frame.filter(pl.col("state").is_in(KNOWN)).get_column("geo_code").unique().to_list()
        )
        pool = candidate_pool(commune, rows, set(member_codes), with_data)
        start, reason = start_of(use, strategy)
        result = counterfactual(commune, frame, pool.communes, start, start_reason=reason)
        if result.available:
            result.balance = pool.balance
        judgements.append(
            IndicatorJudgement(
                use=use,
                name=name,
                perimeter=perimeter,
                change=change,
                counterfactual=result,
            )
        )
    return judgements


def measurements_of(uses: Iterable[ObjectiveIndicator]) -> dict[int, list[Measurement]]:
    """Reported values of the objectives' indicators, by indicator (one query)."""
    grouped: dict[int, list[Measurement]] = {}
    ids = [use.pk for use in uses if use.definition.observatory_indicator_id is None]
    if not ids:
        return grouped
    for m in Measurement.objects.filter(objective_indicator_id__in=ids).order_by("period_start"):
        assert m.objective_indicator_id is not None  # the filter asked for one of `ids`
        grouped.setdefault(m.objective_indicator_id, []).append(m)
    return grouped


def council_members(strategy: Strategy) -> list[Commune]:
    """The council's member communes, largest first (one query)."""
    return list(
        Commune.objects.filter(pk__in=strategy.council.communes(), kind=CommuneKind.COMMUNE)
        .select_related("departement")
        .order_by("-population", "code")
    )
