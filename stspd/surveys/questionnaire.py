"""The standard core of a council's survey, aligned on the national survey "Vécu et ressenti en
matière de sécurité" (VRS, SSMSI, since 2022) — see docs/surveys.md for the sources.

The VRS questionnaire itself is not published: only its answer scale for the feeling of
insecurity ("souvent / de temps en temps / rarement / jamais", in the neighbourhood or village
and at home) and the themes of its published results are public. The wording below is ours,
written close to those results; `reference` names the national figure a question is compared
with (stspd/surveys/data/national_reference.csv).

The profile questions (sexe, age, quartier, activite, menage) are the calibration variables:
their values are those of the population model (crimestats.survey.simulation) and of the INSEE
margins (sexe F/H, age bands made of INSEE's five-year bands).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .enums import QuestionKind

FREQUENCY = [
    ["souvent", "Souvent"],
    ["de_temps_en_temps", "De temps en temps"],
    ["rarement", "Rarement"],
    ["jamais", "Jamais"],
]
OPINION = [
    ["tres_bonne", "Très bonne"],
    ["plutot_bonne", "Plutôt bonne"],
    ["plutot_mauvaise", "Plutôt mauvaise"],
    ["tres_mauvaise", "Très mauvaise"],
    ["sans_avis", "Je ne sais pas"],
]
SEXES = [["F", "Femme"], ["H", "Homme"]]
AGE_BANDS = [
    ["15-29", "15 à 29 ans"],
    ["30-44", "30 à 44 ans"],
    ["45-59", "45 à 59 ans"],
    ["60-74", "60 à 74 ans"],
    ["75+", "75 ans ou plus"],
]
# INSEE's five-year bands ("15 à 19 ans", ...) making each age band of the questionnaire.
INSEE_AGE_BANDS = {
    "15-29": ["15 à 19 ans", "20 à 24 ans", "25 à 29 ans"],
    "30-44": ["30 à 34 ans", "35 à 39 ans", "40 à 44 ans"],
    "45-59": ["45 à 49 ans", "50 à 54 ans", "55 à 59 ans"],
    "60-74": ["60 à 64 ans", "65 à 69 ans", "70 à 74 ans"],
    "75+": ["75 à 79 ans", "80 à 84 ans", "85 à 89 ans", "90 à 94 ans", "95 ans et plus"],
}
INSEE_SEXES = {"F": "femmes", "H": "hommes"}
DEFAULT_NEIGHBOURHOODS = [["centre", "Centre"], ["autre", "Autre quartier"]]


@dataclass(frozen=True)
class CoreQuestion:
    code: str
    kind: str
    text: str
    choices: list[list[str]] = field(default_factory=list)
    section: str = ""
    help_text: str = ""
    reference: str = ""


SAFETY = "Votre sentiment de sécurité"
VICTIM = "Les faits subis au cours des 12 derniers mois"
POLICE = "La police et la gendarmerie"
PROFILE = "Pour mieux vous connaître (réponses anonymes)"

CORE: list[CoreQuestion] = [
    CoreQuestion(
        "insecurite_quartier",
        QuestionKind.SINGLE,
        "Vous arrive-t-il de vous sentir en insécurité dans votre quartier ou votre village ?",
        FREQUENCY,
        SAFETY,
        reference="insecurite_quartier",
    ),
    CoreQuestion(
        "insecurite_domicile",
        QuestionKind.SINGLE,
        "Vous arrive-t-il de vous sentir en insécurité à votre domicile ?",
        FREQUENCY,
        SAFETY,
        reference="insecurite_domicile",
    ),
    CoreQuestion(
        "renonce_sortir",
        QuestionKind.SINGLE,
        "Vous arrive-t-il de renoncer à sortir seul ou seule de chez vous "
        "pour des raisons de sécurité ?",
        FREQUENCY,
        SAFETY,
        reference="renonce_sortir",
    ),
    CoreQuestion(
        "inquietudes",
        QuestionKind.MULTIPLE,
        "Êtes-vous inquiet ou inquiète d'être victime des faits suivants ?",
        [
            ["cambriolage", "Un cambriolage de votre logement"],
            ["agression", "Une agression physique"],
            ["vol", "Un vol ou un racket"],
            ["injures", "Des injures ou des menaces"],
            ["sexuelle", "Une agression ou un harcèlement sexuels"],
            ["aucune", "Aucun de ces faits"],
        ],
        SAFETY,
        "Cochez toutes les réponses qui conviennent.",
        reference="inquietudes",
    ),
    CoreQuestion(
        "patrouilles",
        QuestionKind.SINGLE,
        "Voyez-vous des patrouilles de police ou de gendarmerie dans votre quartier "
        "ou votre village ?",
        FREQUENCY,
        SAFETY,
        reference="patrouilles",
    ),
    CoreQuestion(
        "victimations",
        QuestionKind.MULTIPLE,
        "Au cours des 12 derniers mois, avez-vous été personnellement victime des faits suivants, "
        "même tentés ?",
        [
            ["cambriolage", "Cambriolage de votre logement"],
            ["vol_voiture", "Vol de votre voiture ou d'un objet dans votre voiture"],
            ["vandalisme_voiture", "Dégradation de votre voiture"],
            ["vol", "Vol sans violence (sac, téléphone, portefeuille)"],
            ["violence", "Agression physique ou vol avec violence"],
            ["injures", "Injures ou menaces"],
            ["escroquerie", "Escroquerie ou débit frauduleux sur un compte"],
            ["discrimination", "Discrimination"],
            ["aucun", "Aucun de ces faits"],
        ],
        VICTIM,
        "Cochez toutes les réponses qui conviennent.",
    ),
    CoreQuestion(
        "signalement",
        QuestionKind.SINGLE,
        "Si vous avez été victime de l'un de ces faits, l'avez-vous signalé à la police "
        "ou à la gendarmerie ?",
        [
            ["plainte", "Oui, par une plainte"],
            ["signalement", "Oui, sans déposer plainte (main courante, signalement)"],
            ["non", "Non"],
            ["non_concerne", "Je n'ai été victime d'aucun de ces faits"],
        ],
        VICTIM,
    ),
    CoreQuestion(
        "opinion_police",
        QuestionKind.SINGLE,
        "Quelle opinion avez-vous de l'action de la police ou de la gendarmerie nationales "
        "sur votre commune ?",
        OPINION,
        POLICE,
    ),
    CoreQuestion(
        "opinion_police_municipale",
        QuestionKind.SINGLE,
        "Quelle opinion avez-vous de l'action de la police municipale ?",
        [*OPINION, ["pas_de_police_municipale", "Il n'y a pas de police municipale"]],
        POLICE,
    ),
    CoreQuestion("sexe", QuestionKind.PROFILE, "Votre sexe", SEXES, PROFILE),
    CoreQuestion("age", QuestionKind.PROFILE, "Votre âge", AGE_BANDS, PROFILE),
    CoreQuestion(
        "quartier",
        QuestionKind.PROFILE,
        "Dans quel quartier ou quelle commune habitez-vous ?",
        DEFAULT_NEIGHBOURHOODS,
        PROFILE,
    ),
    CoreQuestion(
        "activite",
        QuestionKind.PROFILE,
        "Votre situation principale",
        [
            ["emploi", "En emploi"],
            ["chomage", "Au chômage"],
            ["retraite", "À la retraite"],
            ["etudes", "En études"],
            ["autre", "Autre situation"],
        ],
        PROFILE,
    ),
    CoreQuestion(
        "menage",
        QuestionKind.PROFILE,
        "Combien de personnes vivent dans votre logement, vous compris ?",
        [["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"], ["5+", "5 ou plus"]],
        PROFILE,
    ),
]


@dataclass(frozen=True)
class Headline:
    """A share shown first in the results: the answers of ``code`` among ``values``."""

    key: str
    code: str
    values: frozenset[str]
    label: str


HEADLINES = [
    Headline(
        "insecurite_quartier",
        "insecurite_quartier",
        frozenset({"souvent", "de_temps_en_temps"}),
        "Se sentent en insécurité dans leur quartier ou village (souvent ou de temps en temps)",
    ),
    Headline(
        "insecurite_domicile",
        "insecurite_domicile",
        frozenset({"souvent", "de_temps_en_temps"}),
        "Se sentent en insécurité à leur domicile (souvent ou de temps en temps)",
    ),
    Headline(
        "renonce_sortir",
        "renonce_sortir",
        frozenset({"souvent", "de_temps_en_temps"}),
        "Renoncent à sortir seuls pour des raisons de sécurité (souvent ou de temps en temps)",
    ),
]
