"""The readiness check a draft passes before it goes to partners."""

from dataclasses import dataclass
from typing import Literal

import polars as pl
from django.urls import reverse

from crimestats.french import number
from crimestats.power import detectable_change
from stspd.indicators.enums import Direction, IndicatorKind
from stspd.observatory.figures import load_values
from stspd.observatory.models import GeoLevel

from .models import ObjectiveIndicator, Strategy
from .numbering import numbered_tree
from .snapshot import strategy_tree


@dataclass(frozen=True)
class Gap:
    """One thing missing, with the page where it is fixed."""

    message: str
    url: str
    # A result not yet quantified: the draft may go to partners with it (the quantification is
    # often what they help settle), the council may not adopt it.
    quantification: bool = False


def review_gaps(gaps: list[Gap]) -> list[Gap]:
    """What stops a draft from going to partners: all but the quantification of results."""
    return [gap for gap in gaps if not gap.quantification]


def quantification_gaps(gaps: list[Gap]) -> list[Gap]:
    """What a draft may still lack in review, and must have before its adoption."""
    return [gap for gap in gaps if gap.quantification]


def readiness_gaps(strategy: Strategy) -> list[Gap]:
    """Every axis has an objective; every objective is quantified (baseline, target, deadline)
    or justified, and so is each of its result indicators (context ones have no target); every
    action has a lead and an activity indicator; the evaluation method is written. An empty
    list means ready for adoption; `review_gaps` of it, ready for review."""
    tree = strategy_tree(strategy.pk)
    gaps: list[Gap] = []
    strategy_url = reverse("strategy:detail", args=[strategy.pk])
    if not tree.axes.all():
        gaps.append(Gap("La stratégie n'a encore aucun axe.", strategy_url))
    for axis_node in numbered_tree(tree.axes.all()):
        axis = axis_node.element
        axis_url = f"{strategy_url}#axe-{axis.pk}"
        if not axis_node.children:
            gaps.append(
                Gap(f"L'axe {axis_node.number} « {axis.title} » n'a aucun objectif.", axis_url)
            )
        for objective_node in axis_node.children:
            objective, number = objective_node.element, objective_node.number
            objective_url = reverse("strategy:objective", args=[objective.pk])
            # A context indicator describes the territory: it has no target to reach, so it
            # neither quantifies an objective nor lacks a quantification.
            uses = [
                use
                for use in objective.indicators.all()
                if use.definition.kind != IndicatorKind.CONTEXT
            ]
            quantified = any(use.is_quantified for use in uses)
            if not quantified and not objective.unquantified_reason.strip():
                gaps.append(
                    Gap(
                        f"L'objectif {number} « {objective.statement} » n'est pas chiffré "
                        "(valeur de référence, cible et échéance) ni justifié.",
                        objective_url,
                        quantification=True,
                    )
                )
            for use in uses:
                if not use.is_quantified and not objective.unquantified_reason.strip():
                    gaps.append(
                        Gap(
                            f"L'indicateur « {use.definition.name} » de l'objectif {number} "
                            "n'a pas de valeur de référence, de cible ou d'échéance.",
                            objective_url,
                            quantification=True,
                        )
                    )
            for action_node in objective_node.children:
                action = action_node.element
                label = f"La fiche action {action_node.number} « {action.title} »"
                action_url = reverse("strategy:action", args=[action.pk])
                if action.lead_id is None:
                    gaps.append(Gap(f"{label} n'a pas de pilote.", action_url))
                if not action.indicators.all():
                    gaps.append(Gap(f"{label} n'a pas d'indicateur d'activité.", action_url))
    if not strategy.evaluation_method.strip():
        gaps.append(Gap("La méthode d'évaluation n'est pas écrite.", strategy_url + "modifier/"))
    return gaps


KNOWN_STATES = ("published", "zero")


def _baseline_counts(use: ObjectiveIndicator, codes: list[str]) -> tuple[float, float] | None:
    """Facts and exposure of the perimeter `codes` in the baseline's year, when every commune's
    value is known exactly (a suppressed value or a lower bound gives nothing: never read as 0
    nor as exact)."""
    indicator = use.definition.observatory_indicator
    if indicator is None or use.baseline_on is None or not codes:
        return None
    frame = load_values(GeoLevel.COMMUNE, codes, indicator=indicator, year=use.baseline_on.year)
    column = "dwellings" if indicator.denominator_kind == "dwellings" else "population"
    known = frame.filter(
        pl.col("state").is_in(KNOWN_STATES) & pl.col("count").is_not_null() & (pl.col(column) > 0)
    )
    if known.height != len(codes):
        return None
    return float(known.get_column("count").sum()), float(known.get_column(column).sum())


def measurability_warnings(strategy: Strategy) -> list[Gap]:
    """Targets smaller than the change the evaluation could detect (a warning, not a blocker).

    For each quantified result indicator read from the observatory, the facts of its baseline
    year on its perimeter give the smallest change the exact Poisson test of the evaluation
    detects 4 times out of 5 at the 5 % level (`crimestats.power.detectable_change`, the
    exposure assumed unchanged); a target closer to the baseline than that will not be told
    apart from chance, whatever happens: the council knows it before adopting the strategy.
    """
    tree = strategy_tree(strategy.pk)
    members: list[str] | None = None
    warnings: list[Gap] = []
    for axis_node in numbered_tree(tree.axes.all()):
        for objective_node in axis_node.children:
            objective, number_ = objective_node.element, objective_node.number
            for use in objective.indicators.all():
                definition = use.definition
                if (
                    definition.kind != IndicatorKind.RESULT
                    or definition.observatory_indicator_id is None
                    or not use.is_quantified
                    or not use.baseline_value
                ):
                    continue
                if use.commune_id is None and members is None:
                    members = list(strategy.council.communes().values_list("code", flat=True))
                codes = [use.commune.code] if use.commune else (members or [])
                counts = _baseline_counts(use, codes)
                if counts is None:
                    continue
                facts, exposure = counts
                target = float(use.target_value / use.baseline_value) - 1
                direction: Literal["decrease", "increase"] = (
                    "increase" if use.direction == Direction.INCREASE else "decrease"
                )
                effect = detectable_change(facts, exposure, exposure, direction=direction)
                if effect.detectable and abs(target) >= abs(effect.relative_change):
                    continue
                word = "hausse" if direction == "increase" else "baisse"
                wanted = f"une {word} de {number(100 * abs(target), 0)} %"
                if effect.detectable:
                    can = (
                        f"ne pourra détecter qu'une {word} d'au moins "
                        f"{number(100 * abs(effect.relative_change), 0)} %"
                    )
                else:
                    can = f"ne pourra détecter aucune {word}"
                warnings.append(
                    Gap(
                        f"L'indicateur « {definition.name} » de l'objectif {number_} vise "
                        f"{wanted} ; avec {number(facts, 0)} faits en "
                        f"{use.baseline_on.year} sur son périmètre, l'évaluation {can} "
                        "(4 chances sur 5, seuil de 5 %) : le résultat risque de ne pas être "
                        "mesurable.",
                        reverse("strategy:objective", args=[objective.pk]),
                    )
                )
    return warnings
