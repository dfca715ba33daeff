"""Strategies and their indicators, for the people of their council (the pages' access rule:
an outsider gets 404). The working copy is read, as on the strategy's pages."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from stspd.accounts.models import User
from stspd.councils.access import can_edit_council, user_councils
from stspd.steering.access import REPORTER_ROLES, organisations_of
from stspd.strategy.access import access_strategy
from stspd.strategy.models import Action, ActionIndicator, ObjectiveIndicator, Strategy
from stspd.strategy.snapshot import date_text, decimal_text, strategy_tree

from .auth import caller
from .errors import ERRORS, WRITES, read_only
from .ids import Id
from .pagination import Pages

router = Router(tags=["Stratégies"])


class StrategySummary(Schema):
    id: int
    conseil_id: int
    conseil: str
    titre: str
    etat: str = Field(
        description="draft, in_review, orientation, adopted, deliberated, signed, "
        "in_force, revision ou closed"
    )
    libelle_etat: str
    debut: str
    fin: str
    version_de_travail: int


class IndicatorUse(Schema):
    type: str = Field(description="objectif (résultat ou contexte) ou action (activité)")
    id: int = Field(description="Identifiant pour /api/indicateurs/{type}/{id}/mesures")
    cle: str
    indicateur: str
    nature: str
    unite: str
    periodicite: str
    source_observatoire: bool = Field(
        description="Valeurs lues dans l'observatoire (SSMSI), jamais saisies"
    )
    valeur_reference: str | None
    date_reference: str | None
    cible: str | None
    echeance: str | None
    sens: str | None
    commune: str | None
    public: bool
    peut_saisir: bool = Field(description="La personne appelante renseigne cet indicateur")
    element: str = Field(description="L'objectif ou la fiche action qui porte l'indicateur")


class ActionNode(Schema):
    id: int
    cle: str
    titre: str
    etat: str
    pilote: str | None
    debut: str | None
    fin: str | None


class ObjectiveNode(Schema):
    cle: str
    objectif: str
    actions: list[ActionNode]


class AxisNode(Schema):
    cle: str
    titre: str
    objectifs: list[ObjectiveNode]


class StrategyTree(StrategySummary):
    axes: list[AxisNode]


def _summary(strategy: Strategy) -> dict[str, Any]:
    return {
        "id": strategy.pk,
        "conseil_id": strategy.council_id,
        "conseil": strategy.council.name,
        "titre": strategy.title,
        "etat": strategy.status,
        "libelle_etat": strategy.get_status_display(),
        "debut": strategy.starts_on.isoformat(),
        "fin": strategy.ends_on.isoformat(),
        "version_de_travail": strategy.version_number,
    }


@router.get(
    "/strategies",
    response={200: list[StrategySummary]} | ERRORS,
    url_name="strategies",
    summary="Stratégies de mes conseils",
)
@paginate(Pages)
def strategies(request: HttpRequest) -> list[dict[str, Any]]:
    """The strategies of the councils where the caller has a role."""
    councils = user_councils(caller(request))
    rows = (
        Strategy.objects.filter(council__in=councils.values("pk"))
        .select_related("council")
        .order_by("council__name", "-starts_on", "pk")
    )
    return [_summary(strategy) for strategy in rows]


def _action(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "cle": action.key,
        "titre": action.title,
        "etat": action.status,
        "pilote": action.lead.name if action.lead else None,
        "debut": date_text(action.starts_on),
        "fin": date_text(action.ends_on),
    }


@router.get(
    "/strategies/{strategy_id}",
    response={200: StrategyTree} | ERRORS,
    url_name="strategy",
    summary="Une stratégie : axes, objectifs, fiches action",
)
def strategy(request: HttpRequest, strategy_id: Id) -> dict[str, Any]:
    """The strategy's axes, objectives and fiches action (the working copy)."""
    access_strategy(caller(request), strategy_id)
    tree = strategy_tree(strategy_id)
    return _summary(tree) | {
        "axes": [
            {
                "cle": axis.key,
                "titre": axis.title,
                "objectifs": [
                    {
                        "cle": objective.key,
                        "objectif": objective.statement,
                        "actions": [_action(action) for action in objective.actions.all()],
                    }
                    for objective in axis.objectives.all()
                ],
            }
            for axis in tree.axes.all()
        ],
    }


def _use(
    use: ObjectiveIndicator | ActionIndicator, element: str, may_report: bool
) -> dict[str, Any]:
    definition = use.definition
    row = {
        "type": "action",
        "id": use.pk,
        "cle": use.key,
        "indicateur": definition.name,
        "nature": definition.kind,
        "unite": definition.unit,
        "periodicite": definition.periodicity,
        "source_observatoire": definition.from_observatory,
        "valeur_reference": None,
        "date_reference": None,
        "cible": decimal_text(use.target_value),
        "echeance": None,
        "sens": None,
        "commune": None,
        "public": False,
        "peut_saisir": may_report and definition.is_reported,
        "element": element,
    }
    if isinstance(use, ObjectiveIndicator):
        row |= {
            "type": "objectif",
            "valeur_reference": decimal_text(use.baseline_value),
            "date_reference": date_text(use.baseline_on),
            "echeance": date_text(use.deadline),
            "sens": use.direction,
            "commune": use.commune.code if use.commune else None,
            "public": use.public,
        }
    return row


@router.get(
    "/strategies/{strategy_id}/indicateurs",
    response={200: list[IndicatorUse]} | ERRORS,
    url_name="strategy_indicators",
    summary="Indicateurs d'une stratégie",
)
def strategy_indicators(request: HttpRequest, strategy_id: Id) -> list[dict[str, Any]]:
    """Every indicator of the strategy (objectives' then fiches'), with whether the caller
    reports it (the same rule as the reporting pages)."""
    user: User = caller(request)
    role = access_strategy(user, strategy_id).role
    tree = strategy_tree(strategy_id)
    everything = can_edit_council(role)
    mine = organisations_of(user) if role in REPORTER_ROLES else set()
    rows = []
    for axis in tree.axes.all():
        for objective in axis.objectives.all():
            actions = list(objective.actions.all())
            leads = {action.lead_id for action in actions if action.lead_id}
            for use in objective.indicators.all():
                rows.append(_use(use, objective.statement, everything or bool(leads & mine)))
            for action in actions:
                for action_use in action.indicators.all():
                    reports = everything or action.lead_id in mine
                    rows.append(_use(action_use, action.title, reports))
    return rows


# Writes on these read-only paths: the read's checks first (401, 404, 403), then 405.
@router.api_operation(WRITES, "/strategies", url_name="strategies", include_in_schema=False)
def strategies_write(request: HttpRequest) -> HttpResponse:
    caller(request)
    return read_only(request)


@router.api_operation(
    WRITES, "/strategies/{strategy_id}", url_name="strategy", include_in_schema=False
)
def strategy_write(request: HttpRequest, strategy_id: Id) -> HttpResponse:
    access_strategy(caller(request), strategy_id)
    return read_only(request)


@router.api_operation(
    WRITES,
    "/strategies/{strategy_id}/indicateurs",
    url_name="strategy_indicators",
    include_in_schema=False,
)
def strategy_indicators_write(request: HttpRequest, strategy_id: Id) -> HttpResponse:
    access_strategy(caller(request), strategy_id)
    return read_only(request)
