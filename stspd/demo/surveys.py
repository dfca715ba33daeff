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
"""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone

from crimestats.survey.simulation import (
    AGE_BANDS,
    SEXES,
    Population,
    SurveyAnswers,
    draw_survey,
    generate_population,
)
from stspd.accounts.models import User
from stspd.councils.models import Council
from stspd.demo.councils import DOMAIN
from stspd.demo.strategy import EPCI_SIREN
from stspd.surveys.enums import AccessMode, Channel, Method, SurveyStatus
from stspd.surveys.models import InvitationCode, Question, Survey
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


def demo_population() -> Population:
    return generate_population(seed=SEED)


def demo_sample(population: Population) -> SurveyAnswers:
    return draw_survey(population, INVITED, np.random.default_rng(SURVEY_SEED))


def _pick(rng: np.random.Generator, values: list[str], shares: list[float]) -> str:
    return str(rng.choice(values, p=np.array(shares) / sum(shares)))


def demo_answers(population: Population, sample: SurveyAnswers) -> list[dict[str, object]]:
    """The questionnaires of the respondents (module docstring)."""
    rng = np.random.default_rng(SURVEY_SEED + 1)
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
    if council.surveys.filter(title=TITLE).exists():
        return "Enquête de démonstration déjà en place."
    coordinator = User.objects.get(email=f"coordination@{DOMAIN}")
    survey = demo_survey(council, coordinator)
    return (
        f"Enquête de démonstration : {survey.responses.count()} questionnaires sur "
        f"{INVITED} invitations, pondérés par raking."
    )


@transaction.atomic
def demo_survey(council: Council, coordinator: User) -> Survey:
    """A survey of ``council``'s residents drawn from the model, collected, its margins
    entered and its answers raked (module docstring)."""
    population = demo_population()
    sample = demo_sample(population)
    survey = create_survey(
        council,
        title=TITLE,
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
    store_many(survey, demo_answers(population, sample), channel=Channel.PAPER, by=coordinator)
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
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED, closed_at=timezone.now())
    survey.refresh_from_db()
    return survey
