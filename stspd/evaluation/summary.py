"""The plain-language summary that opens every report, and the elected official's page: what
was planned, what was done, what changed, what it cost, in sentences a reader takes in within
two minutes.

Every sentence is written here from the fields of a result (a status, a change, a comparison,
sums of money), never from the statistical sentences of the annex: one function per kind of
sentence, each tested case by case (tests/test_summary.py). The rules that keep a sentence from
claiming more than the data allow:

- a test that is not significant is "not shown", never "no change"; a comparison whose design
  allows no verdict ("non concluant") is never "no effect";
- a value known only as a lower bound reads "au moins ..." (`Point.text`), never as exact;
- a figure that cannot be computed says so, with the reason the computation gave;
- amounts are the database's sums, in euros to the cent.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from crimestats.counterfactual import INCONCLUSIVE
from crimestats.french import date, euros, number, percent
from stspd.steering.dashboard import (
    DEADLINE_BEFORE_BASELINE_NOTE,
    NO_TARGET_NOTE,
    STATUS_ORDER,
    IndicatorRow,
)
from stspd.strategy.enums import ActionStatus

from .enums import Implementation
from .funds import Totals
from .judgements import SIGNIFICANCE, Change, Counterfactual, IndicatorJudgement

if TYPE_CHECKING:
    from .reports import Report

# How many indicators the summary names one by one: a page, not a catalogue.
MAX_INDICATORS = 4


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 objectif', '3 objectifs', '0 objectif' (French: 0 and 1 are singular)."""
    word = singular if count < 2 else (plural_form or f"{singular}s")
    return f"{number(count)} {word}"


def _join(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " et " + parts[-1]


# --------------------------------------------------------------------------------------------
# One indicator
# --------------------------------------------------------------------------------------------


def status_phrase(row: IndicatorRow | None) -> str:
    """Where the indicator stands and its last value (a lower bound reads "au moins")."""
    if row is None:
        return ""
    last = row.points[-1] if row.points else None
    value = ""
    if last is not None and last.source == "survey" and last.value is not None:
        value = f"dernière valeur {number(last.value, 1)} % (enquête close le {date(last.end)}"
        if last.low is not None and last.high is not None:
            value += f" ; entre {number(last.low, 1)} et {number(last.high, 1)} %"
        value += ")"
    elif last is not None:
        value = f"dernière valeur {last.text} ({last.label}"
        value += ", transmise, pas encore validée)" if last.source == "submitted" else ")"
    head = "sans statut" if row.status is None else row.status.label
    return f"{head} ; {value}" if value else f"{head} ; aucune valeur à ce jour"


def change_phrase(change: Change) -> str:
    """The change since the baseline, in words; "non concluant" is never "no change"."""
    if not change.computed:
        return change.sentence
    figures = f"de {change.before} ({change.before_label}) à {change.after} ({change.after_label})"
    if change.significant is True:
        return f"{figures} : un écart trop net pour être dû au seul hasard (seuil de 5 %)"
    if change.significant is False:
        return (
            f"{figures} : écart non concluant, il peut être dû au hasard (ce qui ne prouve pas "
            "que rien n'a changé)"
        )
    return f"{figures} : écart non testé (valeur sans intervalle de confiance)"


def _method(sentence: str, p_value: float | None) -> str:
    """One method's outcome: absent, inconclusive, significant or indistinct."""
    if not sentence:
        return "absent"
    if sentence.rsplit(" : ", 1)[-1].startswith(INCONCLUSIVE):
        return "inconclusive"
    if p_value is not None and p_value < SIGNIFICANCE:
        return "significant"
    return "indistinct"


def _post_gap(cf: Counterfactual) -> float:
    post = [g for g in cf.gap[cf.n_pre :] if g is not None]
    return sum(post) / len(post) if post else 0.0


def comparison_phrase(cf: Counterfactual | None, direction: str) -> str:
    """What the comparison with similar communes allows to say, from the two methods'
    outcomes: never more than they show, "non concluant" never read as "no effect"."""
    if cf is None:
        return ""
    if cf.reason or not cf.available:
        return "comparaison avec des communes comparables pas encore possible (voir l'annexe)"
    outcomes = []
    if cf.did_sentence or cf.did_reason:
        ratio_sign = 0 if cf.did_ratio is None else (-1 if cf.did_ratio < 1 else 1)
        outcomes.append((_method(cf.did_sentence, cf.did_p_value), ratio_sign))
    if cf.sc_sentence or cf.sc_reason:
        gap = _post_gap(cf)
        outcomes.append((_method(cf.sc_sentence, cf.p_value), -1 if gap < 0 else 1))
    computed = [(state, sign) for state, sign in outcomes if state != "absent"]
    conclusive = [(state, sign) for state, sign in computed if state != "inconclusive"]
    if not conclusive:
        return (
            "comparaison avec des communes comparables non concluante : les conditions des "
            "méthodes ne sont pas réunies, ce qui ne veut pas dire que l'action est sans effet"
        )
    states = {state for state, _ in conclusive}
    signs = {sign for state, sign in conclusive if state == "significant"}
    if len(states) > 1 or len(signs) > 1:
        return (
            "les deux méthodes de comparaison avec des communes comparables ne concordent pas : "
            "l'effet n'est pas établi"
        )
    if len(conclusive) < len(computed):
        caution = " selon une seule méthode, l'autre n'étant pas concluante (à confirmer)"
    elif len(conclusive) == 1:
        caution = " selon la seule méthode applicable"
    else:
        caution = " (les deux méthodes concordent)"
    if states == {"indistinct"}:
        return (
            "l'évolution ne se distingue pas de celle de communes comparables" + caution + " : "
            "un effet propre n'est pas démontré, ce qui n'est pas la preuve d'une absence d'effet"
        )
    [sign] = signs
    favourable = (sign < 0) == (direction == "decrease")
    word = "plus" if favourable else "moins"
    return f"évolution nettement {word} favorable que dans des communes comparables{caution}"


def indicator_sentence(row: IndicatorRow | None, judgement: IndicatorJudgement | None) -> str:
    """One indicator in one sentence: its status, its change, its comparison."""
    name = judgement.name if judgement is not None else row.name if row is not None else ""
    parts = [status_phrase(row)]
    if judgement is not None:
        parts.append(change_phrase(judgement.change))
        parts.append(comparison_phrase(judgement.counterfactual, judgement.use.direction))
    text = " ; ".join(p for p in parts if p)
    return f"{name} : {text}."


def status_counts_sentence(rows: list[IndicatorRow]) -> str:
    """How the result indicators stand, counted by status."""
    results = [row for row in rows if row.kind == "result"]
    if not results:
        return "Aucun indicateur de résultat n'est suivi."
    counts: Counter[str] = Counter(row.status.code for row in results if row.status is not None)
    parts = [
        f"{number(counts[code])} {label}"
        for code, label in ((c, _STATUS_LABELS[c]) for c in STATUS_ORDER)
        if counts[code]
    ]
    # Each reason for no status said apart: "faute de cible chiffrée" only for those.
    without = Counter(row.note for row in results if row.status is None)
    for note, words in (
        (NO_TARGET_NOTE, "sans statut faute de cible chiffrée"),
        (DEADLINE_BEFORE_BASELINE_NOTE, "sans statut (échéance antérieure à la date de référence)"),
    ):
        if without[note]:
            parts.append(f"{number(without.pop(note))} {words}")
    if without:
        parts.append(f"{number(without.total())} sans statut")
    head = plural(len(results), "indicateur de résultat", "indicateurs de résultat")
    return f"Sur {head} : {_join(parts)}."


_STATUS_LABELS = {
    "on_track": "en bonne voie",
    "at_risk": "à surveiller",
    "off_track": "en retard",
    "not_enough_data": "sans données suffisantes",
    "stale": "aux données anciennes",
    "suppressed": "dont la dernière donnée n'est pas diffusée",
}


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------


@dataclass
class GrantTotals:
    applications: int = 0
    granted: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)


def money_sentence(totals: Totals, when: str) -> str:
    """Planned, committed and spent, to the cent; the consumption rate when something was
    planned."""
    if not (totals.planned or totals.committed or totals.spent):
        return f"Aucun montant n'est inscrit au budget des fiches action {when}."
    text = (
        f"Budget des fiches action {when}, tous financeurs : {euros(totals.planned)} prévus, "
        f"{euros(totals.committed)} engagés, {euros(totals.spent)} dépensés"
    )
    if totals.spent_rate is not None:
        text += f" (soit {percent(totals.spent_rate, 1, trim=True)} du prévu)"
    return text + "."


def grants_sentence(grants: GrantTotals, when: str) -> str:
    if not grants.applications:
        return f"Aucune subvention du FIPD accordée {when} n'est enregistrée."
    return (
        f"Subventions du FIPD accordées {when} : {euros(grants.granted)} pour "
        f"{plural(grants.applications, 'demande')}, dont {euros(grants.paid)} versés."
    )


# --------------------------------------------------------------------------------------------
# What was done
# --------------------------------------------------------------------------------------------


@dataclass
class Activity:
    """Counts of what was done in the period (the report gathers them from the database)."""

    milestones_due: int = 0
    milestones_done: int = 0
    values_validated: int = 0
    values_submitted: int = 0
    implementation: Counter[str] = field(default_factory=Counter)
    actions: int = 0
    action_status: Counter[str] = field(default_factory=Counter)


def milestones_sentence(activity: Activity, when: str) -> str:
    """The milestones due in the period, and how many of them were met by the report's date."""
    if not activity.milestones_due:
        return f"Aucun jalon de fiche action n'était prévu {when}."
    return (
        f"Jalons des fiches action prévus {when} : {number(activity.milestones_done)} "
        f"réalisé{'s' if activity.milestones_done > 1 else ''} sur "
        f"{number(activity.milestones_due)}."
    )


def implementation_sentence(activity: Activity, when: str) -> str:
    counts = activity.implementation
    appraised = sum(counts.values())
    if not appraised:
        return f"Aucune fiche action n'a reçu d'appréciation {when}."
    labels = {
        Implementation.AS_PLANNED: ("mise en œuvre comme prévu", "mises en œuvre comme prévu"),
        Implementation.PARTLY: ("mise en œuvre en partie", "mises en œuvre en partie"),
        Implementation.NOT: ("non mise en œuvre", "non mises en œuvre"),
    }
    parts = [plural(counts[code], *label) for code, label in labels.items() if counts[code]]
    missing = activity.actions - appraised
    tail = f" ; {number(missing)} sans appréciation" if missing > 0 else ""
    return (
        f"Sur {plural(activity.actions, 'fiche action', 'fiches action')}, appréciées "
        f"{when} : {_join(parts)}{tail}."
    )


def values_sentence(activity: Activity, dated: str) -> str:
    """`dated`: "de 2025", "de la période"."""
    if not (activity.values_validated or activity.values_submitted):
        return f"Aucune valeur d'indicateur {dated} n'a été renseignée par les partenaires."
    n = activity.values_validated
    text = (
        f"{plural(n, 'valeur')} d'indicateurs {dated} renseignée{'s' if n > 1 else ''} par les "
        f"partenaires et validée{'s' if n > 1 else ''} par la coordination"
    )
    if activity.values_submitted:
        text += f", {number(activity.values_submitted)} autre(s) transmise(s) en attente"
    return text + "."


ACTION_STATUS: dict[str, tuple[str, str]] = {
    ActionStatus.PLANNED: ("prévue, pas encore commencée", "prévues, pas encore commencées"),
    ActionStatus.IN_PROGRESS: ("en cours", "en cours"),
    ActionStatus.DONE: ("réalisée", "réalisées"),
    ActionStatus.SUSPENDED: ("suspendue", "suspendues"),
    ActionStatus.ABANDONED: ("abandonnée", "abandonnées"),
}


def action_status_sentence(activity: Activity) -> str:
    counts = activity.action_status
    if not activity.actions:
        return "La stratégie ne compte aucune fiche action."
    parts = [
        plural(counts[code], *ACTION_STATUS[code]) for code in ActionStatus.values if counts[code]
    ]
    return f"État des fiches action aujourd'hui : {_join(parts)}."


# --------------------------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------------------------


@dataclass
class Since:
    """What changed since the last published annual review (final report)."""

    year: int
    published_on: datetime.date
    status_changes: list[tuple[str, str, str]]  # name, status then, status now
    new_values: int
    spent: Decimal


def since_sentences(since: Since | None) -> list[str]:
    if since is None:
        return [
            "Aucun bilan annuel n'a été publié : ce rapport couvre toute la période, sans bilan "
            "antérieur auquel se comparer."
        ]
    head = f"Depuis le bilan {since.year} (publié le {date(since.published_on)})"
    lines = []
    if since.status_changes:
        changes = "; ".join(f"{name} ({then} → {now})" for name, then, now in since.status_changes)
        verb = "a" if len(since.status_changes) == 1 else "ont"
        lines.append(
            f"{head}, {plural(len(since.status_changes), 'indicateur')} {verb} changé de "
            f"statut : {changes}."
        )
    else:
        lines.append(f"{head}, aucun indicateur de résultat n'a changé de statut.")
    lines.append(
        f"Depuis ce bilan : {plural(since.new_values, 'nouvelle valeur', 'nouvelles valeurs')} "
        f"validée{'s' if since.new_values > 1 else ''}, {euros(since.spent)} dépensés sur les "
        f"années postérieures à {since.year}."
    )
    return lines


@dataclass
class Summary:
    heading: str
    scope: str
    planned: list[str]
    done: list[str]
    changed: list[str]
    indicators: list[str]
    more: str
    cost: list[str]
    since: list[str]
    unquantified: str
    # The figures the sentences give, for the tests and the page.
    money: Totals
    grants: GrantTotals


def _priority(
    pair: tuple[IndicatorRow | None, IndicatorJudgement | None],
) -> tuple[int, int, int]:
    """Which indicators the summary names first: those late or to watch, then those whose
    change could be measured (a test beyond chance first), then by status."""
    row, judgement = pair
    code = row.status.code if row is not None and row.status is not None else ""
    rank = STATUS_ORDER.index(code) if code in STATUS_ORDER else len(STATUS_ORDER)
    worrying = 0 if code in ("off_track", "at_risk") else 1
    change = judgement.change if judgement is not None else None
    measured = 2 if change is None or not change.computed else 0 if change.significant else 1
    return (worrying, measured, rank)


def build_summary(report: Report) -> Summary:
    """The summary of `report`, from its fields."""
    strategy = report.strategy
    annual = report.kind == "annual"
    when = f"en {report.year}" if annual else "sur la période"
    period = f"du {date(strategy.starts_on)} au {date(strategy.ends_on)}"
    if annual:
        heading = f"L'essentiel du bilan {report.year}"
        scope = (
            f"Ce résumé porte sur l'année {report.year} seule : les valeurs datées de "
            f"{report.year} et l'argent de {report.year}, situation au {date(report.as_of)}."
        )
    else:
        heading = "L'essentiel de l'évaluation finale"
        scope = (
            f"Ce résumé porte sur toute la période de la stratégie ({period}), situation au "
            f"{date(report.as_of)}."
        )
    objectives = report.objectives
    actions = [a for o in objectives for a in o.actions]
    unquantified = [o for o in objectives if o.objective.unquantified_reason.strip()]
    planned = [
        f"La stratégie ({period}) compte "
        f"{plural(len(report.axes), 'axe')}, {plural(len(objectives), 'objectif')} et "
        f"{plural(len(actions), 'fiche action', 'fiches action')}.",
    ]
    if annual:
        planned.append(
            f"Pour {report.year}, {euros(report.funds.total.planned)} étaient prévus au budget "
            "des fiches action."
        )
    else:
        planned.append(
            f"Budget prévu sur la période : {euros(report.funds.total.planned)}, tous financeurs."
        )
    activity = report.activity
    done = [
        milestones_sentence(activity, when),
        implementation_sentence(activity, when),
        values_sentence(activity, f"de {report.year}" if annual else "de la période"),
    ]
    if not annual:
        done.append(action_status_sentence(activity))
    rows = [row for o in objectives for row in o.statuses]
    pairs: list[tuple[IndicatorRow | None, IndicatorJudgement | None]] = []
    judged = {j.use.pk: j for o in objectives for j in o.judgements}
    for row in rows:
        if row.kind == "result":
            pairs.append((row, judged.pop(row.use.pk, None)))
    pairs += [(None, j) for j in judged.values()]
    pairs.sort(key=_priority)
    shown = pairs[:MAX_INDICATORS]
    more = ""
    if len(pairs) > len(shown):
        more = (
            f"{plural(len(pairs) - len(shown), 'autre indicateur', 'autres indicateurs')} : "
            "voir le détail par objectif."
        )
    if unquantified:
        note = (
            f"{plural(len(unquantified), 'objectif')} sans cible chiffrée : "
            "la justification de chacun figure après ce résumé."
        )
    else:
        note = ""
    cost = [money_sentence(report.funds.total, when)]
    grants_when = f"au titre de {report.year}" if annual else when
    cost.append(grants_sentence(report.grant_totals, grants_when))
    return Summary(
        heading=heading,
        scope=scope,
        planned=planned,
        done=done,
        changed=[status_counts_sentence(rows)],
        indicators=[indicator_sentence(row, j) for row, j in shown],
        more=more,
        cost=cost,
        since=[] if annual else since_sentences(report.since),
        unquantified=note,
        money=report.funds.total,
        grants=report.grant_totals,
    )
