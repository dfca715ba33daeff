"""Verbs of the surveys: each write runs in one transaction; the council's changes record an
event (an answer of a resident records none: it would date and time it)."""

from __future__ import annotations

import gzip
import secrets
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crimestats.french import number
from crimestats.survey.calibration import CalibrationError, CategoricalMargin, calibrate
from crimestats.survey.design import SampleDesign
from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.councils.models import Council

from .enums import AccessMode, Channel, MarginSource, QuestionKind, SurveyStatus
from .models import (
    AddressCount,
    Answer,
    InvitationCode,
    Margin,
    Question,
    QuestionnaireVersion,
    Response,
    ResponseWeight,
    Survey,
    WeightingRun,
)
from .questionnaire import CORE, INSEE_AGE_BANDS, INSEE_SEXES

DATA = Path(__file__).resolve().parent / "data"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from a paper letter
CODE_LENGTH = 10  # 32^10 = 10^15 codes: guessing one of a few thousand is hopeless
MAX_CODES = 20_000


class SurveyRefused(ValueError):
    """The change or the answer is refused: the message says why, in French."""


# The questionnaire ---------------------------------------------------------------------------


@transaction.atomic
def create_survey(
    council: Council,
    *,
    title: str,
    territory: str,
    access_mode: str = AccessMode.CODES,
    per_address_limit: int = 3,
    neighbourhoods: Sequence[Sequence[str]] | None = None,
    by: User | None,
) -> Survey:
    """A draft survey with its first questionnaire: the standard core."""
    survey = Survey.objects.create(
        council=council,
        title=title,
        territory=territory,
        access_mode=access_mode,
        per_address_limit=per_address_limit,
    )
    version = QuestionnaireVersion.objects.create(survey=survey, number=1)
    for position, item in enumerate(CORE, 1):
        choices = item.choices
        if item.code == "quartier" and neighbourhoods:
            choices = [list(pair) for pair in neighbourhoods]
        Question.objects.create(
            version=version,
            position=position * 10,
            code=item.code,
            kind=item.kind,
            text=item.text,
            help_text=item.help_text,
            section=item.section,
            choices=choices,
            core=True,
            reference=item.reference,
        )
    record(by, "created", survey, council=council)
    return survey


def editable_problem(survey: Survey) -> str:
    if survey.status != SurveyStatus.DRAFT:
        return (
            "Le questionnaire est figé depuis l'ouverture de la collecte : les réponses "
            "doivent toutes porter sur les mêmes questions."
        )
    return ""


def choices_problem(kind: str, choices: list[list[str]]) -> str:
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.PROFILE):
        if len(choices) < 2:
            return "Une question à choix propose au moins deux réponses (une par ligne)."
        values = [value for value, _ in choices]
        if len(set(values)) != len(values):
            return "Deux réponses proposées ont le même code."
    elif choices:
        return "Seules les questions à choix proposent des réponses."
    return ""


@transaction.atomic
def save_question(question: Question, *, by: User | None) -> Question:
    survey = question.version.survey
    if problem := editable_problem(survey) or choices_problem(question.kind, question.choices):
        raise SurveyRefused(problem)
    creating = question.pk is None
    if creating:
        last = question.version.questions.order_by("-position").first()
        question.position = (last.position if last else 0) + 10
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError as error:
        raise SurveyRefused(
            f"Une autre question du questionnaire a déjà le code « {question.code} »."
        ) from error
    record(by, "created" if creating else "updated", question, council=survey.council)
    return question


@transaction.atomic
def delete_question(question: Question, *, by: User | None) -> None:
    survey = question.version.survey
    if problem := editable_problem(survey):
        raise SurveyRefused(problem)
    if question.core and question.kind == QuestionKind.PROFILE:
        raise SurveyRefused(
            "Les questions de profil servent au redressement : elles restent dans le questionnaire."
        )
    record(by, "deleted", question, council=survey.council)
    question.delete()


def opening_problem(survey: Survey) -> str:
    if survey.status != SurveyStatus.DRAFT:
        return "La collecte de cette enquête a déjà été ouverte."
    if survey.access_mode == AccessMode.CODES and not survey.codes.exists():
        return (
            "L'enquête est sur invitation : créez d'abord les codes à envoyer aux habitants "
            "tirés au sort."
        )
    return ""


@transaction.atomic
def open_survey(survey: Survey, *, by: User | None) -> Survey:
    """Open collection; the questionnaire is frozen from now on."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if problem := opening_problem(survey):
        raise SurveyRefused(problem)
    now = timezone.now()
    QuestionnaireVersion.objects.filter(survey=survey, frozen_at=None).update(frozen_at=now)
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    survey.save(update_fields=["status", "opened_at"])
    record(by, "opened", survey, council=survey.council)
    return survey


@transaction.atomic
def close_survey(survey: Survey, *, by: User | None) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise SurveyRefused("Seule une collecte ouverte peut être close.")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    record(by, "closed", survey, council=survey.council)
    return survey


# Invitation codes ----------------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def generate_codes(survey: Survey, count: int, *, by: User | None) -> list[str]:
    """``count`` new codes, returned once in clear (for the letters); only their hashes stay."""
    if survey.access_mode != AccessMode.CODES:
        raise SurveyRefused("Cette enquête est ouverte à tous : elle n'utilise pas de codes.")
    if survey.status == SurveyStatus.CLOSED:
        raise SurveyRefused("La collecte est close.")
    if not 1 <= count <= MAX_CODES:
        raise SurveyRefused(f"Le nombre de codes va de 1 à {number(MAX_CODES)}.")
    codes = [new_code() for _ in range(count)]
    InvitationCode.objects.bulk_create(
        InvitationCode(survey=survey, code_hash=survey.code_hash(code)) for code in codes
    )
    record(by, "codes_issued", survey, council=survey.council, label=f"{count} codes d'invitation")
    return codes


# Answers -------------------------------------------------------------------------------------


def value_problem(question: Question, value: Any) -> str:
    """Why ``value`` is no answer to ``question`` (French), or "" (None: no answer)."""
    if value is None or value == "" or value == []:
        return "Cette question demande une réponse." if question.required else ""
    labels = question.labels()
    if question.kind in (QuestionKind.SINGLE, QuestionKind.PROFILE):
        if not isinstance(value, str) or value not in labels:
            return f"« {value} » n'est pas une réponse proposée ({', '.join(labels)})."
    elif question.kind == QuestionKind.MULTIPLE:
        if not isinstance(value, list) or any(v not in labels for v in value):
            return f"« {value} » n'est pas une liste de réponses proposées ({', '.join(labels)})."
    elif question.kind == QuestionKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"« {value} » n'est pas un nombre."
    elif question.kind == QuestionKind.TEXT and not isinstance(value, str):
        return "Une réponse de texte est attendue."
    return ""


def address_hash(survey: Survey, address: str) -> str:
    return survey.code_hash(f"adresse:{address}")


@transaction.atomic
def submit_response(
    survey: Survey,
    answers: Mapping[str, Any],
    *,
    channel: str,
    code: str = "",
    address: str | None = None,
    source_line: str = "",
) -> Response:
    """Store one questionnaire. ``answers``: {question code: value}. On the web, a survey on
    invitation takes the code (used once), an open one counts the address (``address``)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise SurveyRefused(
            "La collecte de cette enquête est close."
            if survey.status == SurveyStatus.CLOSED
            else "La collecte de cette enquête n'est pas encore ouverte."
        )
    version = survey.current_version()
    questions = {q.code: q for q in version.questions.all()}
    for key, value in answers.items():
        if key not in questions:
            raise SurveyRefused(f"« {key} » n'est pas une question de cette enquête.")
        if problem := value_problem(questions[key], value):
            raise SurveyRefused(f"{questions[key].text} {problem}")
    missing = [q.text for q in questions.values() if q.required and answers.get(q.code) in _EMPTY]
    if missing:
        raise SurveyRefused(f"Cette question demande une réponse : {missing[0]}")
    if channel == Channel.WEB:
        if survey.access_mode == AccessMode.CODES:
            _use_code(survey, code)
        else:
            _count_address(survey, address or "inconnue")
    today = timezone.localdate()
    response = Response.objects.create(
        survey=survey, version=version, channel=channel, received_on=today, source_line=source_line
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=questions[key], value=value)
        for key, value in answers.items()
        if value not in _EMPTY
    )
    return response


_EMPTY: tuple[Any, ...] = (None, "", [])


def _use_code(survey: Survey, code: str) -> None:
    if not code.strip():
        raise SurveyRefused("Saisissez le code d'invitation reçu par courrier.")
    invitation = (
        InvitationCode.objects.select_for_update()
        .filter(survey=survey, code_hash=survey.code_hash(code))
        .first()
    )
    if invitation is None:
        raise SurveyRefused(
            "Ce code d'invitation n'est pas reconnu : vérifiez-le sur votre courrier "
            "(10 caractères, lettres et chiffres)."
        )
    if invitation.used_on is not None:
        raise SurveyRefused(
            "Ce code d'invitation a déjà servi : une seule réponse est possible par code."
        )
    invitation.used_on = timezone.localdate()
    invitation.save(update_fields=["used_on"])


def _count_address(survey: Survey, address: str) -> None:
    key = address_hash(survey, address)
    counted, _ = AddressCount.objects.select_for_update().get_or_create(
        survey=survey, address_hash=key
    )
    if counted.count >= survey.per_address_limit:
        raise SurveyRefused(
            f"{survey.per_address_limit} réponses ont déjà été envoyées depuis votre connexion : "
            "c'est le nombre maximal pour cette enquête."
        )
    AddressCount.objects.filter(pk=counted.pk).update(count=F("count") + 1)


# Margins -------------------------------------------------------------------------------------

INSEE_FILE = DATA / "insee_estim_pop_dep_sexe_age5_2021.csv.gz"
INSEE_NOTE = (
    "INSEE, estimations de population au 1er janvier {year} par département, sexe et âge "
    "quinquennal (population de 15 ans ou plus du département {dep})"
)


def insee_rows() -> list[tuple[str, str, str, str, int]]:
    """(year, département, sex, age band, population) of the shipped extract."""
    rows = []
    with gzip.open(INSEE_FILE, "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            year, dep, _, sex, age, population = line.rstrip("\n").split(",")
            rows.append((year, dep, sex, age, int(population)))
    return rows


def insee_departements() -> list[str]:
    return sorted({dep for _, dep, *_ in insee_rows()})


def insee_totals(
    question: Question, departement: str, *, territory_population: float | None = None
) -> tuple[dict[str, float], str]:
    """The département's population aged 15 or more by the categories of the ``sexe`` or
    ``age`` question, from the shipped INSEE extract, and its provenance.

    With ``territory_population`` (the territory's residents aged 15 or more), the
    département's structure is applied to it: the margins then sum to the territory's
    population like the council's other margins (an assumption, written in the provenance)."""
    rows = [r for r in insee_rows() if r[1] == departement]
    if not rows:
        raise SurveyRefused(
            f"Le département « {departement} » n'est pas dans les estimations INSEE livrées "
            f"({', '.join(insee_departements())})."
        )
    year = rows[0][0]
    by_band = {(sex, age): population for _, _, sex, age, population in rows}
    adults = [age for ages in INSEE_AGE_BANDS.values() for age in ages]
    totals: dict[str, float]
    if question.code == "sexe":
        totals = {
            value: float(sum(by_band[(INSEE_SEXES[value], age)] for age in adults))
            for value in question.labels()
        }
    elif question.code == "age":
        totals = {
            value: float(sum(by_band[("ensemble", age)] for age in INSEE_AGE_BANDS[value]))
            for value in question.labels()
        }
    else:
        raise SurveyRefused(
            "Les estimations INSEE livrées ne donnent que le sexe et l'âge : saisissez les "
            f"effectifs de « {question.text} »."
        )
    note = INSEE_NOTE.format(year=year, dep=departement)
    if territory_population is not None:
        if not territory_population > 0:
            raise SurveyRefused("La population du territoire doit être supérieure à zéro.")
        scale = territory_population / sum(totals.values())
        totals = {value: count * scale for value, count in totals.items()}
        note += (
            f", structure appliquée aux {number(territory_population)} habitants de 15 ans ou "
            "plus du territoire (hypothèse : même répartition que le département)"
        )
    return totals, note


def margin_problem(question: Question, totals: Mapping[str, float]) -> str:
    labels = question.labels()
    unknown = [value for value in totals if value not in labels]
    if unknown:
        return f"« {unknown[0]} » n'est pas une réponse de la question « {question.text} »."
    missing = [labels[value] for value in labels if value not in totals]
    if missing:
        return f"Il manque l'effectif de « {missing[0]} » (question « {question.text} »)."
    for value, count in totals.items():
        if not count > 0:
            return (
                f"L'effectif de « {labels[value]} » (question « {question.text} ») doit être "
                "un nombre de personnes supérieur à zéro."
            )
    return ""


@transaction.atomic
def save_margin(
    survey: Survey,
    question: Question,
    totals: Mapping[str, float],
    *,
    source: str = MarginSource.COUNCIL,
    note: str = "",
    by: User | None,
) -> Margin:
    if question.kind != QuestionKind.PROFILE or question.version.survey_id != survey.pk:
        raise SurveyRefused("Une marge porte sur une question de profil de l'enquête.")
    if problem := margin_problem(question, totals):
        raise SurveyRefused(problem)
    margin, _ = Margin.objects.update_or_create(
        survey=survey,
        question=question,
        defaults={"totals": dict(totals), "source": source, "source_note": note},
    )
    record(by, "updated", margin, council=survey.council, label=f"marge « {question.code} »")
    return margin


# Weighting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightingInput:
    response_ids: list[int]
    margins: list[CategoricalMargin]
    population: float


def ordered_totals(margin: Margin) -> dict[Hashable, float]:
    """The margin's populations in the questionnaire's order of answers (PostgreSQL's jsonb
    keeps no key order), so that an error names the same first category on every database."""
    order = {str(value): i for i, (value, _) in enumerate(margin.question.choices)}
    return dict(
        sorted(margin.totals.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    )


def weighting_input(survey: Survey) -> WeightingInput:
    """The answers' profile values and the margins, checked before any computation."""
    margins = list(survey.margins.select_related("question").order_by("question__position"))
    if not margins:
        raise SurveyRefused(
            "Aucune marge n'est saisie : donnez la population par sexe, âge ou quartier."
        )
    response_ids = list(survey.responses.order_by("pk").values_list("pk", flat=True))
    if len(response_ids) < 2:
        raise SurveyRefused("Il faut au moins deux réponses pour pondérer.")
    index = {pk: i for i, pk in enumerate(response_ids)}
    values: dict[int, list[Any]] = {m.question_id: [None] * len(response_ids) for m in margins}
    for response_id, question_id, value in Answer.objects.filter(
        response__survey=survey, question_id__in=list(values)
    ).values_list("response_id", "question_id", "value"):
        values[question_id][index[response_id]] = value
    calibration_margins = []
    for margin in margins:
        sample = values[margin.question_id]
        missing = sum(1 for v in sample if v is None)
        if missing:
            raise CalibrationError(
                f"{number(missing)} réponse{'s' if missing > 1 else ''} sur "
                f"{number(len(sample))} ne donne{'nt' if missing > 1 else ''} pas de réponse à "
                f"la question de profil « {margin.question.code} » : le calage ne peut pas les "
                "pondérer. Retirez cette marge ou complétez les réponses.",
                margin=margin.question.code,
            )
        calibration_margins.append(
            CategoricalMargin(margin.question.code, sample, ordered_totals(margin))
        )
    return WeightingInput(response_ids, calibration_margins, margins[0].population)


@transaction.atomic
def run_weighting(
    survey: Survey,
    *,
    method: str,
    bounds: tuple[float, float] | None = None,
    by: User | None,
) -> WeightingRun:
    """Calibrate the answers to the margins and store the weights, all or nothing.

    Design: the answers taken as a simple random sample of the population (weight N/n,
    finite population correction n/N). A CalibrationError (French, naming the margin and the
    category) leaves nothing stored."""
    data = weighting_input(survey)
    n = len(data.response_ids)
    design = SampleDesign.from_arrays(
        np.full(n, data.population / n), sampling_fraction=min(n / data.population, 1.0)
    )
    result = calibrate(
        design.weights,
        data.margins,
        method=method,  # type: ignore[arg-type]  # checked by the form's choices
        bounds=bounds if method == "logit" else None,
    )
    run = WeightingRun.objects.create(
        survey=survey,
        method=method,
        lower_bound=bounds[0] if bounds and method == "logit" else None,
        upper_bound=bounds[1] if bounds and method == "logit" else None,
        margins={m.name: dict(m.totals) for m in data.margins},
        responses=n,
        iterations=result.iterations,
        created_by=by,
    )
    ResponseWeight.objects.bulk_create(
        ResponseWeight(run=run, response_id=pk, design_weight=float(d), weight=float(w))
        for pk, d, w in zip(data.response_ids, result.design_weights, result.weights, strict=True)
    )
    record(by, "weighted", run, council=survey.council, label=f"pondération de « {survey} »")
    return run


@transaction.atomic
def store_many(
    survey: Survey,
    rows: Sequence[Mapping[str, Any]],
    *,
    channel: str,
    source_lines: Sequence[str] | None = None,
    by: User | None,
) -> int:
    """Store checked questionnaires in bulk (a pollster's file, the demo): all or none."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.DRAFT:
        raise SurveyRefused(
            "Ouvrez d'abord la collecte : elle fige le questionnaire auquel les réponses "
            "se rapportent."
        )
    version = survey.current_version()
    questions = {q.code: q for q in version.questions.all()}
    for number_, answers in enumerate(rows, 1):
        for key, value in answers.items():
            if key not in questions:
                raise SurveyRefused(f"« {key} » n'est pas une question de cette enquête.")
            if problem := value_problem(questions[key], value):
                raise SurveyRefused(f"Questionnaire {number_}, {questions[key].code} : {problem}")
    received = timezone.localdate()
    lines = source_lines or [""] * len(rows)
    responses = Response.objects.bulk_create(
        Response(
            survey=survey, version=version, channel=channel, received_on=received, source_line=line
        )
        for line in lines
    )
    Answer.objects.bulk_create(
        (
            Answer(response=response, question=questions[key], value=value)
            for response, answers in zip(responses, rows, strict=True)
            for key, value in answers.items()
            if value not in _EMPTY
        ),
        batch_size=2000,
    )
    record(by, "imported", survey, council=survey.council, label=f"{len(rows)} questionnaires")
    return len(rows)


def publication_problem(survey: Survey) -> str:
    if survey.status == SurveyStatus.DRAFT:
        return "La collecte n'a pas commencé : il n'y a rien à publier."
    if not survey.runs.exists():
        return (
            "Pondérez d'abord les réponses : le public lit des parts de la population, "
            "pas des parts des répondants."
        )
    return ""


@transaction.atomic
def publish_results(survey: Survey, summary: dict[str, Any], *, by: User | None) -> Survey:
    """Publish the headline figures (``summary``, from results.public_summary) on the portal."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if problem := publication_problem(survey):
        raise SurveyRefused(problem)
    survey.published_at = timezone.now()
    survey.published_summary = summary
    survey.save(update_fields=["published_at", "published_summary"])
    record(by, "published", survey, council=survey.council, label=f"résultats de « {survey} »")
    return survey


@transaction.atomic
def unpublish_results(survey: Survey, *, by: User | None) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey.published_at = None
    survey.published_summary = {}
    survey.save(update_fields=["published_at", "published_summary"])
    record(by, "withdrawn", survey, council=survey.council, label=f"résultats de « {survey} »")
    return survey
