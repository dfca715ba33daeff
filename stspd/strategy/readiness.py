"""The readiness check a draft passes before it goes to partners."""

from dataclasses import dataclass

from django.urls import reverse

from .models import Strategy
from .snapshot import strategy_tree


@dataclass(frozen=True)
class Gap:
    """One thing missing, with the page where it is fixed."""

    message: str
    url: str


def readiness_gaps(strategy: Strategy) -> list[Gap]:
    """Every axis has an objective; every objective is quantified (baseline, target, deadline)
    or justified; every action has a lead and an activity indicator; the evaluation method is
    written. An empty list means ready."""
    tree = strategy_tree(strategy.pk)
    gaps: list[Gap] = []
    strategy_url = reverse("strategy:detail", args=[strategy.pk])
    if not tree.axes.all():
        gaps.append(Gap("La stratégie n'a encore aucun axe.", strategy_url))
    for a, axis in enumerate(tree.axes.all(), start=1):
        axis_url = f"{strategy_url}#axe-{axis.pk}"
        if not axis.objectives.all():
            gaps.append(Gap(f"L'axe {a} « {axis.title} » n'a aucun objectif.", axis_url))
        for o, objective in enumerate(axis.objectives.all(), start=1):
            number = f"{a}.{o}"
            objective_url = reverse("strategy:objective", args=[objective.pk])
            uses = list(objective.indicators.all())
            quantified = any(use.is_quantified for use in uses)
            if not quantified and not objective.unquantified_reason.strip():
                gaps.append(
                    Gap(
                        f"L'objectif {number} « {objective.statement} » n'est pas chiffré "
                        "(valeur de référence, cible et échéance) ni justifié.",
                        objective_url,
                    )
                )
            for use in uses:
                if not use.is_quantified and not objective.unquantified_reason.strip():
                    gaps.append(
                        Gap(
                            f"L'indicateur « {use.definition.name} » de l'objectif {number} "
                            "n'a pas de valeur de référence, de cible ou d'échéance.",
                            objective_url,
                        )
                    )
            for n, action in enumerate(objective.actions.all(), start=1):
                label = f"La fiche action {number}.{n} « {action.title} »"
                action_url = reverse("strategy:action", args=[action.pk])
                if action.lead_id is None:
                    gaps.append(Gap(f"{label} n'a pas de pilote.", action_url))
                if not action.indicators.all():
                    gaps.append(Gap(f"{label} n'a pas d'indicateur d'activité.", action_url))
    if not strategy.evaluation_method.strip():
        gaps.append(Gap("La méthode d'évaluation n'est pas écrite.", strategy_url + "modifier/"))
    return gaps
