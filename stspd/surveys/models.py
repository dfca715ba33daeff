"""A council's survey of its residents: the questionnaire, the answers, the margins and weights.

No name, e-mail or postal address is ever stored with an answer: a response holds its answers,
the way it came in (web, paper, pollster's file) and the day it was received, nothing else. An
invitation code is stored hashed and is not linked to the response it opened (only marked used);
the per-address limit of an open survey counts hashed addresses in a table of its own.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from .enums import AccessMode, Channel, MarginSource, Method, QuestionKind, SurveyStatus


def new_token() -> str:
    """The survey's public link: 32 random bytes, not guessable, not derived from its id."""
    return secrets.token_urlsafe(32)


class Survey(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField("titre", max_length=200)
    territory = models.CharField(
        "territoire enquêté",
        max_length=200,
        help_text="Le territoire dont les habitants sont interrogés, tel qu'il sera affiché.",
    )
    status = models.CharField(
        "état", max_length=6, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    access_mode = models.CharField(
        "mode de collecte", max_length=5, choices=AccessMode.choices, default=AccessMode.CODES
    )
    per_address_limit = models.PositiveSmallIntegerField(
        "réponses admises par adresse réseau",
        default=3,
        help_text="Collecte ouverte seulement : un foyer partage souvent une même adresse.",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    opened_at = models.DateTimeField("collecte ouverte le", null=True, blank=True)
    closed_at = models.DateTimeField("collecte close le", null=True, blank=True)
    # The public summary: the headline figures as published (a later run does not change them
    # silently; publishing again does).
    published_at = models.DateTimeField("résultats publiés le", null=True, blank=True)
    published_summary = models.JSONField(default=dict, blank=True)
    # The section of the council's diagnostic that shows the published headline results
    # (chosen by the coordinator; the observatory renders it through its embed registry).
    diagnostic_section = models.ForeignKey(
        "observatory.DiagnosticSection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="section du diagnostic",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "enquête"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    def public_url(self) -> str:
        return reverse("surveys:answer", args=[self.token])

    def current_version(self) -> QuestionnaireVersion:
        """The version answered (frozen once collection opened) or being edited."""
        version = self.versions.order_by("-number").first()
        assert version is not None, "a survey is created with its first version"
        return version

    def code_hash(self, code: str) -> str:
        """An invitation code as stored: SHA-256 of the survey's token and the normalised code."""
        normal = "".join(code.split()).upper().replace("-", "")
        return hashlib.sha256(f"{self.token}:{normal}".encode()).hexdigest()


class QuestionnaireVersion(models.Model):
    """The questions of a survey. Frozen when collection opens: the answers always refer to the
    wording the residents read."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(default=1)
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey} — version {self.number}"


class Question(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("position")
    code = models.SlugField(
        "code",
        max_length=40,
        help_text="Nom court de la question (en-tête de colonne d'un fichier importé).",
    )
    kind = models.CharField("type", max_length=8, choices=QuestionKind.choices)
    text = models.CharField("question", max_length=500)
    help_text = models.CharField("précision", max_length=300, blank=True)
    section = models.CharField("rubrique", max_length=120, blank=True)
    # [[value, label], ...] for choices and profiles.
    choices = models.JSONField("réponses proposées", default=list, blank=True)
    required = models.BooleanField("réponse obligatoire", default=False)
    core = models.BooleanField("question du tronc commun", default=False)
    # The national item the question follows (VRS), for the comparison of results.
    reference = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_question_code"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.PROFILE)

    def labels(self) -> dict[str, str]:
        return {str(value): str(label) for value, label in self.choices}


class InvitationCode(models.Model):
    """One invitation: only the hash of the code is kept, and whether it was used."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code d'invitation de « {self.survey} »"


class AddressCount(models.Model):
    """Answers received from one network address (hashed with the survey's token) in an open
    survey; not linked to the answers themselves."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "address_hash"], name="one_address_count")
        ]

    def __str__(self) -> str:
        return f"réponses d'une adresse à « {self.survey} »"


class Response(models.Model):
    """One resident's questionnaire. Deliberately no name, e-mail, address or time of day."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("mode de recueil", max_length=6, choices=Channel.choices)
    received_on = models.DateField("reçu le")
    # The pollster's file and line a response came from, to trace an import (no identifier).
    source_line = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"questionnaire n° {self.pk} de « {self.survey} »"


class Answer(models.Model):
    """The answer to one question: a choice's value, a list of values, a number or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value: Any = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"réponse à « {self.question.code} »"


class Margin(models.Model):
    """The population by category of a profile question (the calibration's target)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="margins")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="margins")
    source = models.CharField("source", max_length=7, choices=MarginSource.choices)
    source_note = models.CharField("provenance", max_length=300, blank=True)
    totals = models.JSONField("effectifs par réponse")  # {choice value: population}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="one_margin_per_question")
        ]

    def __str__(self) -> str:
        return f"marge « {self.question.code} » de « {self.survey} »"

    @property
    def population(self) -> float:
        return float(sum(self.totals.values()))


class WeightingRun(models.Model):
    """One calibration of the answers to the margins; its weights are stored per response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="runs")
    method = models.CharField("méthode", max_length=6, choices=Method.choices)
    lower_bound = models.FloatField("borne basse", null=True, blank=True)
    upper_bound = models.FloatField("borne haute", null=True, blank=True)
    margins = models.JSONField()  # {question code: {value: population}} as used
    responses = models.PositiveIntegerField()
    iterations = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"pondération de « {self.survey} » ({self.get_method_display()})"


class ResponseWeight(models.Model):
    run = models.ForeignKey(WeightingRun, on_delete=models.CASCADE, related_name="weights")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="weights")
    design_weight = models.FloatField()
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "response"], name="one_weight_per_response")
        ]

    def __str__(self) -> str:
        return f"poids {self.weight:.6g}"
