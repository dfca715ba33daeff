"""The readiness check a draft passes before it goes to partners."""

from dataclasses import dataclass

from django.urls import reverse

from .models import Strategy
from .numbering import numbered_tree
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
