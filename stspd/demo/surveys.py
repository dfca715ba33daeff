"""The demo's survey of the CISPD's residents: about 1,200 answers drawn from the documented
population model of crimestats.survey.simulation, so that its weighted results can be checked
against the truth.

The population (60,000 residents aged 15 and over, five made-up neighbourhoods, seed 19) and its
non-response (the young and men answer less) are the model's; 6,000 residents are invited by a
letter with a code and about a fifth answer. A respondent's feeling of insecurity in the
neighbourhood is the model's (often or from time to time when the model says insecure, split
35/65; rarely or never otherwise, split 45/55); the other answers (worries, victimisation,
opinions, occupation, household) are drawn independently with plausible shares, for the pages
only: they carry no truth to check. The margins are the model population's counts by age, sex
and neighbourhood; the answers are raked to them.

**Two waves.** The first wave's collection closed on 31 March two years before the demo's year
(the strategy's first year); the second's sixty days before the demo is built. The second wave
is drawn from the same model and the same residents (seed 19) with one documented change: the
intercept of the feeling of insecurity lowered from -1.75 to -2.2 (``SECOND_WAVE_MODEL``), so
that the true share falls from 21.8 % to 15.4 % (every resident insecure in the second wave
already was in the first: the same uniform draws against a lower probability); its 6,000
invitations are drawn with the seed 2027. The demo strategy's objective of public tranquillity
gets the result indicator "Part des habitants qui se sentent en insécurité dans leur quartier"
fed by both waves: its baseline is the first wave's share, its target five points lower.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from crimestats.survey.simulation import (
    AGE_BANDS,
    SEXES,
    Population,
    PopulationModel,
    SurveyAnswers,
    draw_survey,
    generate_population,
)
from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.models import Council
from stspd.demo.councils import DOMAIN
from stspd.demo.strategy import EPCI_SIREN
from stspd.indicators.enums import Direction, IndicatorKind, Periodicity
from stspd.indicators.models import SURVEY_UNIT, IndicatorDefinition
from stspd.steering.survey_series import survey_series
from stspd.strategy.models import Axis, Objective, ObjectiveIndicator, Strategy
from stspd.surveys.enums import AccessMode, Channel, Method, SurveyStatus
from stspd.surveys.models import InvitationCode, Question, Response, Survey
from stspd.surveys.results import public_summary, survey_results
from stspd.surveys.workflow import (
    create_survey,
    new_code,
    open_survey,
    publish_results,
    run_weighting,
    save_margin,
    store_many,
)

TITLE = "Enquête « Vivre en sécurité dans la Métropole » (démonstration)"
SEED = 19
INVITED = 6_000
SURVEY_SEED = 2026
SECOND_TITLE = "Enquête « Vivre en sécurité dans la Métropole », deuxième vague (démonstration)"
SECOND_WAVE_MODEL = PopulationModel(insecure_intercept=-2.2)
SECOND_SURVEY_SEED = 2027
INDICATOR_NAME = "Part des habitants qui se sentent en insécurité dans leur quartier"
INSECURE_ANSWERS = ["souvent", "de_temps_en_temps"]
AXIS_TITLE = "Garantir la tranquillité publique dans l'habitat, les transports et l'espace public"
OBJECTIVE_STATEMENT = "Faire reculer le sentiment d'insécurité dans les quartiers"


def demo_population(model: PopulationModel | None = None) -> Population:
    return generate_population(model, seed=SEED)


def demo_sample(population: Population, seed: int = SURVEY_SEED) -> SurveyAnswers:
    return draw_survey(population, INVITED, np.random.default_rng(seed))


def wave_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """When the two waves' collections closed (module docstring)."""
    return datetime.date(today.year - 2, 3, 31), today - datetime.timedelta(days=60)


def _pick(rng: np.random.Generator, values: list[str], shares: list[float]) -> str:
    return str(rng.choice(values, p=np.array(shares) / sum(shares)))


def demo_answers(
    population: Population, sample: SurveyAnswers, seed: int = SURVEY_SEED
) -> list[dict[str, object]]:
    """The questionnaires of the respondents (module docstring)."""
    rng = np.random.default_rng(seed + 1)
    neighbourhoods = [n.lower() for n in population.model.neighbourhoods]
    rows: list[dict[str, object]] = []
    for who in sample.respondents:
        insecure = population.insecure[who] == 1
        if insecure:
            quartier = "souvent" if rng.random() < 0.35 else "de_temps_en_temps"
        else:
            quartier = "rarement" if rng.random() < 0.45 else "jamais"
        worries = [
            item
            for item, share in [
                ("cambriolage", 0.5),
                ("agression", 0.4),
                ("vol", 0.38),
                ("injures", 0.35),
                ("sexuelle", 0.2),
            ]
            if rng.random() < share
        ]
        victim = [
            item
            for item, share in [
                ("cambriolage", 0.02),
                ("vol_voiture", 0.04),
                ("vandalisme_voiture", 0.05),
                ("vol", 0.04),
                ("violence", 0.02),
                ("injures", 0.08),
                ("escroquerie", 0.06),
                ("discrimination", 0.04),
            ]
            if rng.random() < share
        ]
        age = AGE_BANDS[population.age[who]]
        rows.append(
            {
                "insecurite_quartier": quartier,
                "insecurite_domicile": _pick(
                    rng, ["souvent", "de_temps_en_temps", "rarement", "jamais"], [3, 5, 20, 72]
                ),
                "renonce_sortir": _pick(
                    rng,
                    ["souvent", "de_temps_en_temps", "rarement", "jamais"],
                    [4, 8, 10, 78] if not insecure else [12, 20, 18, 50],
                ),
                "inquietudes": worries or ["aucune"],
                "patrouilles": _pick(
                    rng, ["souvent", "de_temps_en_temps", "rarement", "jamais"], [13, 35, 37, 15]
                ),
                "victimations": victim or ["aucun"],
                "signalement": (
                    _pick(rng, ["plainte", "signalement", "non"], [35, 15, 50])
                    if victim
                    else "non_concerne"
                ),
                "opinion_police": _pick(
                    rng,
                    ["tres_bonne", "plutot_bonne", "plutot_mauvaise", "tres_mauvaise", "sans_avis"],
                    [15, 45, 20, 8, 12],
                ),
                "opinion_police_municipale": _pick(
                    rng,
                    ["tres_bonne", "plutot_bonne", "plutot_mauvaise", "tres_mauvaise", "sans_avis"],
                    [14, 42, 18, 6, 20],
                ),
                "sexe": SEXES[population.sex[who]],
                "age": age,
                "quartier": neighbourhoods[population.neighbourhood[who]],
                "activite": (
                    "etudes"
                    if age == "15-29" and rng.random() < 0.5
                    else "retraite"
                    if age in ("60-74", "75+") and rng.random() < 0.8
                    else _pick(rng, ["emploi", "chomage", "autre"], [80, 9, 11])
                ),
                "menage": _pick(rng, ["1", "2", "3", "4", "5+"], [37, 33, 13, 11, 6]),
            }
        )
    return rows


def build_survey_demo() -> str:
    """The demo survey of the demo CISPD, once."""
    council = Council.objects.filter(epci__siren=EPCI_SIREN).first()
    if council is None:
        return "Pas de CISPD de démonstration : enquête non construite."
    coordinator = User.objects.get(email=f"coordination@{DOMAIN}")
    first = council.surveys.filter(title=TITLE).first()
    second = council.surveys.filter(title=SECOND_TITLE).first()
    if first is None or second is None:
        first, second = demo_waves(council, coordinator)
    strategy = Strategy.objects.filter(council=council).order_by("-starts_on").first()
    if strategy is not None:
        survey_indicator(strategy, coordinator)  # once: built with the strategy, before adoption
    return (
        f"Enquête de démonstration : deux vagues de {first.responses.count()} et "
        f"{second.responses.count()} questionnaires sur {INVITED} invitations chacune, "
        f"pondérés par raking ; indicateur « {INDICATOR_NAME} » de la stratégie."
    )


def survey_objective(
    strategy: Strategy, coordinator: User, today: datetime.date
) -> ObjectiveIndicator | None:
    """The waves (once) and the strategy's objective fed by them, while the strategy is drafted:
    the adopted version holds it."""
    council = strategy.council
    if not council.surveys.filter(title=TITLE).exists():
        demo_waves(council, coordinator, today)
    return survey_indicator(strategy, coordinator)


@transaction.atomic
def demo_waves(
    council: Council, coordinator: User, today: datetime.date | None = None
) -> tuple[Survey, Survey]:
    """The two waves of the module docstring, published, their collections closed."""
    first_on, second_on = wave_dates(today or timezone.localdate())
    first = demo_survey(council, coordinator, closed_on=first_on)
    second = demo_survey(
        council,
        coordinator,
        title=SECOND_TITLE,
        model=SECOND_WAVE_MODEL,
        survey_seed=SECOND_SURVEY_SEED,
        closed_on=second_on,
    )
    return first, second


def survey_indicator(strategy: Strategy, coordinator: User) -> ObjectiveIndicator | None:
    """The council's indicator fed by the waves, on a new objective of the public tranquillity
    axis (the feeling of insecurity it speaks of), its baseline the first wave's share."""
    axis = Axis.objects.filter(strategy=strategy, title=AXIS_TITLE).first()
    if not strategy.council.surveys.filter(title=SECOND_TITLE).exists():
        return None
    if axis is None or axis.objectives.filter(statement=OBJECTIVE_STATEMENT).exists():
        return None
    last = axis.objectives.order_by("-position").values_list("position", flat=True).first()
    objective = Objective.objects.create(
        axis=axis, position=(last or 0) + 1, statement=OBJECTIVE_STATEMENT
    )
    council = strategy.council
    definition, _ = IndicatorDefinition.objects.get_or_create(
        council=council,
        name=INDICATOR_NAME,
        defaults={
            "kind": IndicatorKind.RESULT,
            "unit": SURVEY_UNIT,
            "periodicity": Periodicity.YEAR,
            "direction": Direction.DECREASE,
            "description": "Part pondérée des habitants de 15 ans ou plus qui se sentent en "
            "insécurité dans leur quartier souvent ou de temps en temps (enquête du CISPD).",
            "survey_question": "insecurite_quartier",
            "survey_answers": INSECURE_ANSWERS,
        },
    )
    use = ObjectiveIndicator.objects.create(
        objective=objective, definition=definition, direction=Direction.DECREASE, public=True
    )
    waves = survey_series([use])[use.pk].waves
    if waves and waves[0].value is not None:
        baseline = Decimal(str(round(waves[0].value, 1)))
        use.baseline_value = baseline
        use.baseline_on = waves[0].on
        use.target_value = baseline - 5
        use.deadline = strategy.ends_on
        use.save()
    record(coordinator, "created", use, council=council, label=f"{INDICATOR_NAME} (démonstration)")
    return use


@transaction.atomic
def demo_survey(
    council: Council,
    coordinator: User,
    *,
    title: str = TITLE,
    model: PopulationModel | None = None,
    survey_seed: int = SURVEY_SEED,
    closed_on: datetime.date | None = None,
) -> Survey:
    """A survey of ``council``'s residents drawn from the model, collected, its margins
    entered and its answers raked (module docstring)."""
    population = demo_population(model)
    sample = demo_sample(population, survey_seed)
    survey = create_survey(
        council,
        title=title,
        territory=f"{council.epci or council.commune} (quartiers fictifs du modèle)",
        access_mode=AccessMode.CODES,
        neighbourhoods=[[n.lower(), n] for n in population.model.neighbourhoods],
        by=coordinator,
    )
    # The letters' codes; as many marked used as there are answers (a code is never linked to
    # the answer it opened).
    InvitationCode.objects.bulk_create(
        InvitationCode(
            survey=survey,
            code_hash=survey.code_hash(new_code()),
            used_on=timezone.localdate() if i < sample.respondents.size else None,
        )
        for i in range(INVITED)
    )
    open_survey(survey, by=coordinator)
    store_many(
        survey,
        demo_answers(population, sample, survey_seed),
        channel=Channel.PAPER,
        by=coordinator,
    )
    questions = {q.code: q for q in Question.objects.filter(version__survey=survey)}
    margins = population.margins()
    note = "Modèle de population de démonstration (crimestats.survey.simulation, graine 19)"
    for code, name in [("age", "âge"), ("sexe", "sexe"), ("quartier", "quartier")]:
        totals = {
            (str(k).lower() if code == "quartier" else str(k)): v for k, v in margins[name].items()
        }
        save_margin(survey, questions[code], totals, note=note, by=coordinator)
    run_weighting(survey, method=Method.RAKING, by=coordinator)
    publish_results(survey, public_summary(survey_results(survey)), by=coordinator)
    closed_at = timezone.now()
    if closed_on is not None:
        # A wave of the past: collected in the month before it closed.
        closed_at = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(18)))
        Response.objects.filter(survey=survey).update(received_on=closed_on)
        Survey.objects.filter(pk=survey.pk).update(
            opened_at=closed_at - datetime.timedelta(days=30),
            published_at=closed_at + datetime.timedelta(days=30),
        )
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED, closed_at=closed_at)
    survey.refresh_from_db()
    return survey
