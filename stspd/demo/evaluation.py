"""The demo's evaluation: appraisals of some objectives and fiches action, and the first year of
the interventions measured on Rouen and Saint-Étienne-du-Rouvray.

Why an intervention year before the strategy? The demo's communal SSMSI file stops in 2023 and
the demo strategy starts in the year before last: with its own first year, no year would follow
the start and the comparison with comparable communes would wait for the next edition (which is
what the page says on a real instance). The demo dates these interventions from 2021, as actions
of the previous intercommunal contract that the strategy carries on, and says so on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.demo.councils import DOMAIN
from stspd.demo.strategy import EPCI_SIREN
from stspd.evaluation.enums import Implementation, Recommendation
from stspd.evaluation.models import Appraisal, InterventionStart
from stspd.evaluation.publishing import publish_annual
from stspd.strategy.models import Action, Objective, ObjectiveIndicator, Strategy

START_YEAR = 2021
START_REASON = (
    "Les actions de cet objectif prolongent celles du contrat intercommunal précédent, engagées "
    "en 2021 et reconduites par la stratégie (démonstration : les données communales publiées "
    "s'arrêtent en 2023)."
)


@dataclass(frozen=True)
class DemoAppraisal:
    statement: str  # the objective's statement, or the action's title when `action` is True
    implementation: str
    effects: str
    unexpected: str
    partners: str
    recommendation: str
    reasons: str
    action: bool = False


APPRAISALS = [
    DemoAppraisal(
        "Réduire les vols violents sans arme commis dans l'espace public à Rouen",
        Implementation.PARTLY,
        "Les médiateurs sont présents quatre soirs sur cinq ; les signalements de rixes aux "
        "abords des pôles d'échange ont diminué selon la police municipale.",
        "Une partie des regroupements s'est déplacée vers les quais.",
        "La police nationale juge la médiation utile mais demande une présence le week-end.",
        Recommendation.ADJUST,
        "Le taux ne baisse pas plus que dans les communes comparables : cibler les créneaux du "
        "week-end et les quais.",
    ),
    DemoAppraisal(
        "Réduire les destructions et dégradations volontaires à Saint-Étienne-du-Rouvray",
        Implementation.AS_PLANNED,
        "Douze caméras installées, mobilier dégradé remis en état sous 48 heures.",
        "Hausse des signalements d'habitants, plus confiants dans la réponse.",
        "Le bailleur constate moins de réparations dans les halls.",
        Recommendation.CONTINUE,
        "La baisse est plus marquée que dans les communes comparables selon le contrôle "
        "synthétique, sans certitude selon la différence de différences : poursuivre et "
        "réévaluer à la prochaine édition.",
    ),
    DemoAppraisal(
        "Repérer et accompagner davantage de victimes de violences intrafamiliales",
        Implementation.AS_PLANNED,
        "L'intervenant social a reçu 410 personnes en 2025 ; délais de prise en charge réduits.",
        "Davantage de victimes orientées par les médecins généralistes.",
        "Le parquet et l'association d'aide aux victimes souhaitent un second poste.",
        Recommendation.CONTINUE,
        "Besoin confirmé et financement FIPD à renouveler.",
    ),
    DemoAppraisal(
        "Médiation sociale de soirée dans les quartiers prioritaires",
        Implementation.PARTLY,
        "Deux postes de médiateurs sur trois pourvus ; 1 100 contacts dans l'année.",
        "",
        "Les bailleurs demandent une coordination avec leurs gardiens.",
        Recommendation.ADJUST,
        "Recruter le troisième médiateur et étendre au samedi.",
        action=True,
    ),
    DemoAppraisal(
        "Vidéoprotection des espaces publics sensibles",
        Implementation.AS_PLANNED,
        "Installation achevée ; images utilisées dans 35 procédures.",
        "",
        "Le centre de supervision urbain est saturé en soirée.",
        Recommendation.CONTINUE,
        "Maintenir, sans nouvelle caméra avant l'évaluation finale.",
        action=True,
    ),
    DemoAppraisal(
        "Guide de prévention distribué avec les bulletins municipaux",
        Implementation.NOT,
        "Diffusion limitée à quatre communes.",
        "",
        "Les clubs de seniors préfèrent les réunions en présence.",
        Recommendation.STOP,
        "Reporter les moyens sur les réunions de prévention pour les seniors.",
        action=True,
    ),
]


@transaction.atomic
def build_evaluation_demo() -> str:
    """Add the demo's appraisals and intervention years once; safe to run again."""
    strategy = Strategy.objects.filter(council__epci__siren=EPCI_SIREN).first()
    if strategy is None:
        return "Pas de stratégie de démonstration : évaluation non construite."
    if Appraisal.objects.filter(objective__axis__strategy=strategy).exists():
        return "Évaluation de démonstration déjà en place."
    coordinator = User.objects.get(email=f"coordination@{DOMAIN}")
    council = strategy.council
    uses = ObjectiveIndicator.objects.filter(
        objective__axis__strategy=strategy,
        commune__isnull=False,
        definition__observatory_indicator__isnull=False,
    ).select_related("definition")
    for use in uses:
        start, created = InterventionStart.objects.get_or_create(
            objective_indicator=use,
            defaults={"year": START_YEAR, "reason": START_REASON, "updated_by": coordinator},
        )
        if created:
            record(
                coordinator,
                "created",
                start,
                council=council,
                label=f"Début de l'intervention — {use.definition.name}",
            )
    year = strategy.starts_on.year + 1
    for spec in APPRAISALS:
        subject: dict[str, Objective | Action]
        if spec.action:
            subject = {
                "action": Action.objects.get(
                    objective__axis__strategy=strategy, title=spec.statement
                )
            }
        else:
            subject = {
                "objective": Objective.objects.get(
                    axis__strategy=strategy, statement=spec.statement
                )
            }
        appraisal = Appraisal.objects.create(
            year=year,
            implementation=spec.implementation,
            effects=spec.effects,
            unexpected_effects=spec.unexpected,
            partners_views=spec.partners,
            recommendation=spec.recommendation,
            reasons=spec.reasons,
            updated_by=coordinator,
            validated_at=timezone.now(),
            validated_by=coordinator,
            **subject,
        )
        record(coordinator, "created", appraisal, council=council)
    # The review of that year, published on the portal as a coordinator would after the plenary.
    publish_annual(strategy, year, by=coordinator)
    return (
        f"Évaluation de démonstration construite ({len(APPRAISALS)} appréciations {year}, "
        f"bilan {year} publié sur le portail)."
    )
