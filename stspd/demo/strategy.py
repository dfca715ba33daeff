"""The demo strategy of the CISPD of the Métropole Rouen Normandie, through the real verbs.

Content in demo_content.py. The strategy covers the three years ending this year; it went through
one review round (comments and amendments, accepted and rejected), the orientation debate, the
council's adoption by vote, the metropolitan council's deliberation and the partners'
signatures, and is in force. Baselines of SSMSI indicators are the territory's real rates read
from the observatory; where the territory's rate is only a lower bound (a member's figure is
suppressed), the objective says so instead of inventing a number.
"""

import datetime
import functools
from collections.abc import Callable
from decimal import Decimal

import polars as pl
from django.db import models, transaction
from django.utils import timezone

from stspd.accounts.models import Organisation, User
from stspd.audit.events import record
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Meeting
from stspd.demo.councils import DOMAIN, ORGANISATIONS, at
from stspd.demo.strategy_content import AXES, DIAGNOSTIC_TEXTS, DemoAction, DemoObjective
from stspd.indicators.enums import Direction, IndicatorKind, Periodicity
from stspd.indicators.library import sync_library
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.access import access_territory
from stspd.observatory.diagnostic import open_diagnostic
from stspd.observatory.figures import territory_figures
from stspd.strategy import adoption, review
from stspd.strategy.enums import (
    ActionStatus,
    AdoptionMode,
    ElementKind,
    PartnerRole,
    RemarkKind,
    Vote,
)
from stspd.strategy.models import (
    Action,
    ActionIndicator,
    ActionPartner,
    Axis,
    BudgetLine,
    Milestone,
    Objective,
    ObjectiveIndicator,
    Strategy,
    StrategyVersion,
    Transition,
)
from stspd.territories.models import Commune

EPCI_SIREN = "200023414"
TITLE = "Stratégie intercommunale de sécurité et de prévention de la délinquance"
EVALUATION_METHOD = (
    "Le tableau de bord est présenté à chaque formation restreinte. Chaque objectif est évalué "
    "une fois par an : évolution depuis la valeur de référence avec son intervalle de "
    "confiance, comparaison avec les communes comparables (différence de différences, contrôle "
    "synthétique) pour les indicateurs issus des statistiques nationales, appréciation "
    "qualitative des pilotes. Le rapport annuel est présenté en formation plénière et publié."
)


def demo_strategy_exists() -> bool:
    return Strategy.objects.filter(council__epci__siren=EPCI_SIREN).exists()


def baseline_rates(
    coordinator: User, kind: str, key: str, year: int
) -> dict[str, tuple[int, float]]:
    """label -> (year, rate per 1,000) of a territory: the latest complete year up to `year`
    (a lower bound is not a baseline)."""
    territory = access_territory(coordinator, kind, key)
    series = territory_figures(territory).series
    if series.is_empty():
        return {}
    usable = series.filter(
        (pl.col("year") <= year) & pl.col("complete") & pl.col("rate").is_not_null()
    ).sort("year")
    latest = usable.group_by("indicator").agg(pl.col("year").last(), pl.col("rate").last())
    return {row["indicator"]: (row["year"], row["rate"]) for row in latest.iter_rows(named=True)}


def write_diagnostic(council: Council, coordinator: User) -> None:
    """The diagnostic local de sécurité the strategy stands on: default sections, written."""
    diagnostic = getattr(council, "diagnostic", None) or open_diagnostic(council, by=coordinator)
    for section in diagnostic.sections.all():
        if section.title in DIAGNOSTIC_TEXTS:
            section.text = DIAGNOSTIC_TEXTS[section.title]
            section.save(update_fields=["text"])


def own_definition(council: Council, name: str, unit: str) -> IndicatorDefinition:
    return IndicatorDefinition.objects.get_or_create(
        council=council,
        name=name,
        defaults={
            "kind": IndicatorKind.RESULT,
            "unit": unit,
            "periodicity": Periodicity.YEAR,
            "description": "Indicateur propre au CISPD, renseigné par son pilote.",
        },
    )[0]


def add_result_indicator(
    objective: Objective,
    spec: DemoObjective,
    rates: Callable[[str | None], dict[str, tuple[int, float]]],
    start: datetime.date,
    end: datetime.date,
) -> None:
    if spec.observatory is not None:
        definition = IndicatorDefinition.objects.get(observatory_indicator__label=spec.observatory)
        commune = Commune.objects.get(code=spec.commune) if spec.commune else None
        if spec.observatory not in rates(spec.commune):
            objective.unquantified_reason = (
                "Le taux du territoire pour l'année de référence n'est pas un nombre sûr : il "
                "n'est connu qu'en borne basse (une commune au moins est sous secret "
                "statistique) ou son dénominateur manque. La valeur de référence sera fixée "
                "sur le périmètre constant des communes publiées chaque année."
            )
            objective.save(update_fields=["unquantified_reason"])
            ObjectiveIndicator.objects.create(
                objective=objective,
                definition=definition,
                direction=Direction.DECREASE,
                commune=commune,
            )
            return
        year, rate = rates(spec.commune)[spec.observatory]
        baseline = Decimal(str(round(rate, 2)))
        target = Decimal(str(round(rate * (1 + spec.change), 2)))
        ObjectiveIndicator.objects.create(
            objective=objective,
            definition=definition,
            baseline_value=baseline,
            baseline_on=datetime.date(year, 12, 31),
            target_value=target,
            deadline=end,
            direction=Direction.DECREASE if spec.change < 0 else Direction.INCREASE,
            commune=commune,
            public=True,
        )
    elif spec.own_indicator is not None:
        name, unit, baseline_value, target_value = spec.own_indicator
        definition = own_definition(objective.axis.strategy.council, name, unit)
        ObjectiveIndicator.objects.create(
            objective=objective,
            definition=definition,
            baseline_value=Decimal(str(baseline_value)),
            baseline_on=start - datetime.timedelta(days=1),
            target_value=Decimal(str(target_value)),
            deadline=end,
            direction=Direction.INCREASE if target_value > baseline_value else Direction.DECREASE,
            public=True,
        )


def add_action(
    objective: Objective,
    position: int,
    spec: DemoAction,
    orgs: dict[str, Organisation],
    start: datetime.date,
    today: datetime.date,
) -> Action:
    action = Action.objects.create(
        objective=objective,
        position=position,
        title=spec.title,
        problem=spec.problem,
        description=spec.description,
        public=spec.public,
        neighbourhoods=spec.neighbourhoods,
        lead=orgs[spec.lead],
        starts_on=start,
        ends_on=start.replace(year=start.year + 3) - datetime.timedelta(days=1),
        status=ActionStatus.IN_PROGRESS,
    )
    if spec.communes:
        action.communes.set(Commune.objects.filter(code__in=spec.communes))
    for key, role in spec.partners:
        ActionPartner.objects.create(action=action, organisation=orgs[key], role=PartnerRole(role))
    end = start.replace(year=start.year + 3) - datetime.timedelta(days=1)
    milestones = [
        ("Lancement et convention avec les partenaires", start + datetime.timedelta(days=60)),
        ("Bilan intermédiaire en formation restreinte", start + datetime.timedelta(days=540)),
        ("Bilan final", end),
    ]
    # Most leads keep their calendar; a few (one fiche in four) are behind on the midway review.
    behind = position == 2 and spec.lead in ("bailleur", "transport", "education")
    for title, due_on in milestones:
        done = due_on < today - datetime.timedelta(days=30) and not (
            behind and title.startswith("Bilan intermédiaire")
        )
        Milestone.objects.create(
            action=action, title=title, due_on=due_on, done_on=due_on if done else None
        )
    for funder, amount in spec.funding:
        for offset in range(3):
            year = start.year + offset
            planned = Decimal(amount)
            # Past years are committed and mostly spent; the current year is under way.
            committed = planned if year < today.year else (planned * Decimal("0.8"))
            spent = (
                (committed * Decimal("0.92")).quantize(Decimal(1))
                if year < today.year
                else (committed * Decimal("0.45")).quantize(Decimal(1))
            )
            BudgetLine.objects.create(
                action=action,
                funder=funder,
                year=year,
                planned=planned,
                committed=committed,
                spent=spent,
            )
    ActionIndicator.objects.create(
        action=action,
        definition=IndicatorDefinition.objects.get(council=None, name=spec.activity),
        target_value=Decimal(spec.target),
    )
    return action


def backdate(model: type[models.Model], pk: int, field: str, when: datetime.datetime) -> None:
    model._default_manager.filter(pk=pk).update(**{field: when})


@transaction.atomic
def build_strategy_demo(today: datetime.date | None = None) -> Strategy | None:
    """Build the demo strategy once (the council demo and the statistics must be loaded)."""
    if demo_strategy_exists():
        return None
    today = today or timezone.localdate()
    sync_library()
    council = Council.objects.get(epci__siren=EPCI_SIREN)
    coordinator = User.objects.get(email=f"coordination@{DOMAIN}")
    orgs = {key: Organisation.objects.get(name=name) for key, (name, _) in ORGANISATIONS.items()}
    start = datetime.date(today.year - 2, 1, 1)
    start, end = Strategy.default_period(start)
    strategy = Strategy.objects.create(
        council=council,
        title=f"{TITLE} {start.year}-{end.year}",
        starts_on=start,
        ends_on=end,
        evaluation_method=EVALUATION_METHOD,
    )
    record(coordinator, "created", strategy, council=council, label="Stratégie de démonstration")
    write_diagnostic(council, coordinator)

    @functools.cache
    def rates(commune: str | None) -> dict[str, tuple[int, float]]:
        if commune is None:
            return baseline_rates(coordinator, "conseil", str(council.pk), start.year - 1)
        return baseline_rates(coordinator, "commune", commune, start.year - 1)

    for a, axis_spec in enumerate(AXES, start=1):
        axis = Axis.objects.create(
            strategy=strategy, position=a, title=axis_spec.title, description=axis_spec.description
        )
        for o, spec in enumerate(axis_spec.objectives, start=1):
            objective = Objective.objects.create(
                axis=axis,
                position=o,
                statement=spec.statement,
                unquantified_reason=spec.unquantified_reason,
            )
            add_result_indicator(objective, spec, rates, start, end)
            for n, action_spec in enumerate(spec.actions, start=1):
                add_action(objective, n, action_spec, orgs, start, today)
    # The residents' survey: two waves feed an objective's indicator (imported here: the survey
    # demo reads this module's constants).
    from stspd.demo.surveys import survey_objective

    survey_objective(strategy, coordinator, today)
    # Context beside a result indicator (the shipped context data, loaded before).
    from stspd.demo.context import add_demo_context_indicators

    add_demo_context_indicators(strategy, coordinator)
    adopt_demo(strategy, council, coordinator, start)
    return strategy


def adopt_demo(
    strategy: Strategy, council: Council, coordinator: User, start: datetime.date
) -> None:
    """One finished review round, then debate, vote, deliberation, signatures, entry in force."""
    partner = User.objects.get(email=f"partenaire@{DOMAIN}")
    victims = User.objects.get(email=f"gt-signe@{DOMAIN}")
    landlord = User.objects.get(email=f"gt-non-signe@{DOMAIN}")
    round_ = review.open_round(
        strategy,
        reviewers=[partner, victims, landlord],
        deadline=timezone.localdate() + datetime.timedelta(days=21),
        message="Voici le projet de stratégie. Vos retours sont attendus sous trois semaines.",
        by=coordinator,
    )
    axes = list(strategy.axes.order_by("position"))
    first_action = (
        Action.objects.filter(objective__axis=axes[0])
        .order_by("objective__position", "position")
        .first()
    )
    vif_objective = axes[1].objectives.order_by("position").first()
    assert first_action is not None and vif_objective is not None
    accepted = review.add_remark(
        round_,
        element_kind=ElementKind.ACTION,
        element_key=first_action.key,
        kind=RemarkKind.AMENDMENT,
        field="public",
        proposed_value="Jeunes de 12 à 25 ans présents dans l'espace public, et leurs familles",
        text="Les collégiens sont aussi concernés en soirée ; associer les familles.",
        by=partner,
    )
    rejected = review.add_remark(
        round_,
        element_kind=ElementKind.AXIS,
        element_key=axes[2].key,
        kind=RemarkKind.AMENDMENT,
        field="title",
        proposed_value="Garantir la tranquillité publique dans l'habitat social",
        text="Recentrer l'axe sur le parc social.",
        by=landlord,
    )
    comment = review.add_remark(
        round_,
        element_kind=ElementKind.OBJECTIVE,
        element_key=vif_objective.key,
        kind=RemarkKind.COMMENT,
        text="Prévoir le suivi des auteurs, pas seulement des victimes.",
        by=victims,
    )
    review.decide_remark(
        accepted, accept=True, response="Les familles sont associées.", by=coordinator
    )
    review.decide_remark(
        rejected,
        accept=False,
        response="Les transports et l'espace public restent dans l'axe, à la demande du conseil.",
        by=coordinator,
    )
    review.decide_remark(
        comment,
        accept=True,
        response="Le suivi des auteurs sera traité par le groupe de travail VIF.",
        by=coordinator,
    )
    review.close_round(round_, by=coordinator)

    plenary = council.formations.get(kind=FormationKind.PLENARY)
    debate_meeting = Meeting.objects.create(
        formation=plenary,
        starts_at=at(start - datetime.timedelta(days=75), 14),
        place="Hôtel de la Métropole, salle du conseil, Rouen",
        agenda="Débat d'orientation de la stratégie intercommunale",
        minutes="Le conseil adopte les quatre axes de la stratégie.",
    )
    adoption_meeting = Meeting.objects.create(
        formation=plenary,
        starts_at=at(start - datetime.timedelta(days=40), 14),
        place="Hôtel de la Métropole, salle du conseil, Rouen",
        agenda="Adoption de la stratégie intercommunale",
        minutes="La stratégie est adoptée par vote des membres du conseil.",
    )
    adoption.debate(
        strategy, meeting=debate_meeting, comment="Quatre axes adoptés.", by=coordinator
    )
    members = council.members.select_related("organisation")
    landlord_name = ORGANISATIONS["bailleur"][0]
    adoption.adopt(
        strategy,
        meeting=adoption_meeting,
        mode=AdoptionMode.VOTE,
        comment="Adoptée à la majorité des membres.",
        votes={
            m: Vote.ABSTAIN if m.organisation.name == landlord_name else Vote.FOR for m in members
        },
        by=coordinator,
    )
    adoption.deliberate(
        strategy,
        assembly="Conseil de la Métropole Rouen Normandie",
        held_on=start - datetime.timedelta(days=30),
        number=f"C{start.year - 1}-0412",
        votes_for=96,
        votes_against=4,
        abstentions=8,
        comment="Délibération approuvant la stratégie.",
        by=coordinator,
    )
    signatories = [
        ("metropole", "Le président de la Métropole Rouen Normandie"),
        ("prefecture", "Le préfet de la Seine-Maritime"),
        ("parquet", "Le procureur de la République près le tribunal judiciaire de Rouen"),
        ("education", "L'inspecteur d'académie, DASEN de la Seine-Maritime"),
        ("departement", "La présidente du Département de la Seine-Maritime"),
    ]
    for key, signatory in signatories:
        adoption.add_signature(
            strategy,
            organisation=Organisation.objects.get(name=ORGANISATIONS[key][0]),
            signatory=signatory,
            signed_on=start - datetime.timedelta(days=15),
            by=coordinator,
        )
    adoption.move(strategy, "sign", comment="Signée par cinq partenaires.", by=coordinator)
    adoption.move(strategy, "enforce", comment="Entrée en vigueur.", by=coordinator)

    # The history happened before the period began: date it so (the verbs stamp "now").
    dates = {
        "in_review": start - datetime.timedelta(days=120),
        "orientation": start - datetime.timedelta(days=75),
        "adopted": start - datetime.timedelta(days=40),
        "deliberated": start - datetime.timedelta(days=30),
        "signed": start - datetime.timedelta(days=15),
        "in_force": start,
    }
    for transition in strategy.transitions.all():
        backdate(Transition, transition.pk, "at", at(dates[transition.target], 12))
    for version in strategy.versions.all():
        when = dates["in_review"] if version.number == 1 else dates["adopted"]
        backdate(StrategyVersion, version.pk, "frozen_at", at(when, 12))
    review_deadline = dates["in_review"] + datetime.timedelta(days=21)
    for days, remark in enumerate([accepted, rejected, comment], start=3):
        decided = at(review_deadline + datetime.timedelta(days=days), 11)
        type(remark).objects.filter(pk=remark.pk).update(
            created_at=at(dates["in_review"] + datetime.timedelta(days=days), 10),
            decided_at=decided,
        )
    type(round_).objects.filter(pk=round_.pk).update(
        deadline=review_deadline,
        opened_at=at(dates["in_review"], 9),
        closed_at=at(review_deadline, 18),
    )
