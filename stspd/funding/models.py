"""Public funds as the State asks for them: funders and their programmes (dated labels), the
préfecture's calls for projects, applications prepared from a fiche action (provisional budget by
account class, co-funders), the council's opinion, grants, payments and the reports owed
before any renewal.

Amounts are Decimal to the cent. The rules are in `rules.py`; the writes in `workflow.py`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from stspd.councils.models import Decision
from stspd.strategy.enums import Funder as BudgetFunder
from stspd.strategy.models import Action
from stspd.territories.models import Departement

from .enums import Account, CoFundingState, OpinionKind, ProgrammeKind
from .rules import CO_FUNDER_GRANTED_ABOVE_REQUEST, NEGATIVE_AMOUNT, report_due_on


class Funder(models.Model):
    """A funder a fiche action meets (the FIPD, politique de la ville, MILDECA, the CAF...).
    `budget_funder` is the strategy's budget category its money is counted in."""

    code = models.SlugField("code", max_length=30, unique=True)
    name = models.CharField("nom", max_length=200)
    budget_funder = models.CharField(
        "catégorie des budgets de la stratégie", max_length=11, choices=BudgetFunder.choices
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A programme of a funder, named by a letter (FIPD: D, R, S, K); its label is dated."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="programmes")
    letter = models.CharField("lettre", max_length=5)
    kind = models.CharField("nature", max_length=12, choices=ProgrammeKind.choices)

    class Meta:
        ordering = ["funder", "letter"]
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        constraints = [
            models.UniqueConstraint(fields=["funder", "letter"], name="programme_letter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.funder.code.upper()} {self.letter}"

    def label_in(self, year: int) -> str:
        """The label in force in `year`: a later renaming never rewrites past grants."""
        label = self.labels.filter(valid_from__lte=year).order_by("-valid_from").first()
        if label is None:
            label = self.labels.order_by("valid_from").first()
        return f"Programme {self.letter} — {label.label}" if label else f"Programme {self.letter}"


class ProgrammeLabel(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="labels")
    valid_from = models.PositiveSmallIntegerField("en vigueur à partir de (année)")
    label = models.CharField("intitulé", max_length=250)
    source = models.CharField("source", max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "valid_from"]
        verbose_name = "intitulé daté"
        verbose_name_plural = "intitulés datés"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "valid_from"], name="programme_label_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.valid_from} : {self.label}"


class Priority(models.Model):
    """A yearly priority of a funder's programmes (national instruction of the year)."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="priorities")
    year = models.PositiveSmallIntegerField("année")
    label = models.CharField("priorité", max_length=250)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["-year", "position", "label"]
        verbose_name = "priorité annuelle"
        verbose_name_plural = "priorités annuelles"

    def __str__(self) -> str:
        return f"{self.year} — {self.label}"


class Call(models.Model):
    """A préfecture's call for projects: one per département, funder and year, seen by every
    council of the département."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="calls")
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année")
    title = models.CharField("intitulé", max_length=250)
    programmes = models.ManyToManyField(Programme, related_name="calls", verbose_name="programmes")
    priorities = models.ManyToManyField(
        Priority, blank=True, related_name="calls", verbose_name="priorités"
    )
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture des dépôts")
    cap_percent = models.DecimalField(
        "plafond de cofinancement (%)",
        max_digits=4,
        decimal_places=1,
        default=Decimal(50),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    cap_rule = models.TextField(
        "règle de plafond (citée)", blank=True, help_text="Le texte de l'appel, cité aux porteurs."
    )
    documents_required = models.TextField("pièces demandées", blank=True)
    report_months = models.PositiveSmallIntegerField(
        "délai du compte rendu financier (mois après la fin de l'exercice)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    blocks_without_report = models.BooleanField(
        "refuser une demande dont le compte rendu précédent manque", default=False
    )
    source = models.CharField("source (texte de l'appel)", max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "departement"]
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "departement", "year"], name="one_call_per_departement_and_year"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def report_due_on(self) -> datetime.date:
        return report_due_on(self.year, self.report_months)


class Application(models.Model):
    """An application of a fiche action to a call (Cerfa 12156's project sheet and budget)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="applications")
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name="programme"
    )
    priority = models.ForeignKey(
        Priority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="priorité",
    )
    title = models.CharField("intitulé du projet", max_length=250)
    objectives = models.TextField("objectifs", blank=True)
    public = models.TextField("public bénéficiaire", blank=True)
    territory = models.TextField("territoire", blank=True)
    calendar = models.TextField("calendrier", blank=True)
    indicators = models.TextField("indicateurs d'évaluation", blank=True)
    fipd_requested = models.DecimalField(
        "part FIPD demandée (€)",
        validators=[MinValueValidator(Decimal(0))],
        max_digits=12,
        decimal_places=2,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["call", "title"]
        verbose_name = "demande de subvention"
        verbose_name_plural = "demandes de subvention"
        constraints = [
            models.UniqueConstraint(
                fields=["call", "action"],
                name="one_application_per_action_and_call",
                violation_error_message="Cette fiche action a déjà une demande pour cet appel.",
            ),
            models.CheckConstraint(
                condition=Q(fipd_requested__gte=0),
                name="application_fipd_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:application", args=[self.pk])


class BudgetItem(models.Model):
    """One account class of the provisional budget."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget")
    account = models.CharField("compte", max_length=2, choices=Account.choices)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["account"]
        verbose_name = "ligne du budget prévisionnel"
        verbose_name_plural = "budget prévisionnel"
        constraints = [
            models.UniqueConstraint(fields=["application", "account"], name="budget_item_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_item_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
        ]

    def __str__(self) -> str:
        return self.get_account_display()


class CoFunding(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="co_fundings"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    requested = models.DecimalField("montant demandé (€)", max_digits=12, decimal_places=2)
    granted = models.DecimalField(
        "montant accordé (€)", null=True, blank=True, max_digits=12, decimal_places=2
    )
    state = models.CharField(
        "état", max_length=9, choices=CoFundingState.choices, default=CoFundingState.REQUESTED
    )

    class Meta:
        ordering = ["funder__position", "pk"]
        verbose_name = "cofinancement"
        verbose_name_plural = "cofinancements"
        constraints = [
            models.UniqueConstraint(fields=["application", "funder"], name="co_funding_unique"),
            models.CheckConstraint(
                condition=Q(requested__gte=0) & (Q(granted__isnull=True) | Q(granted__gte=0)),
                name="co_funding_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=Q(granted__isnull=True) | Q(granted__lte=models.F("requested")),
                name="co_funding_granted_within_request",
                violation_error_message=CO_FUNDER_GRANTED_ABOVE_REQUEST,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} ({self.get_state_display()})"


class Opinion(models.Model):
    """The council's opinion on one application, given at a meeting (a decision of it)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="opinion"
    )
    # The opinion is that decision of the meeting: deleting the decision (or its meeting) from
    # the record removes the opinion with it.
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("avis", max_length=12, choices=OpinionKind.choices)
    reason = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "avis du conseil"
        verbose_name_plural = "avis du conseil"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.application}"


class Grant(models.Model):
    """What the préfecture granted an application under one programme."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="grants")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("montant accordé (€)", max_digits=12, decimal_places=2)
    decided_on = models.DateField("date de l'arrêté ou de la convention")
    report_due_on = models.DateField("compte rendu financier dû le")

    class Meta:
        ordering = ["application", "programme"]
        verbose_name = "subvention accordée"
        verbose_name_plural = "subventions accordées"
        constraints = [
            models.UniqueConstraint(fields=["application", "programme"], name="grant_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.programme}"


class Payment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField("date du versement")
    amount = models.DecimalField("montant versé (€)", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = "versement"
        verbose_name_plural = "versements"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class Report(models.Model):
    """The reports owed after the financial year: the financial report (Cerfa 15059, forecast
    against actual by account class) and the qualitative report."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="report")
    submitted_on = models.DateField("déposé le")
    qualitative = models.TextField("compte rendu qualitatif")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "compte rendu"
        verbose_name_plural = "comptes rendus"

    def __str__(self) -> str:
        return f"Compte rendu : {self.application}"


class ReportLine(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    account = models.CharField("compte", max_length=2, choices=Account.choices)
    forecast = models.DecimalField("prévu (€)", max_digits=12, decimal_places=2)
    actual = models.DecimalField("réalisé (€)", max_digits=12, decimal_places=2)
    explanation = models.TextField("explication de l'écart", blank=True)

    class Meta:
        ordering = ["account"]
        verbose_name = "ligne du compte rendu financier"
        verbose_name_plural = "lignes du compte rendu financier"
        constraints = [
            models.UniqueConstraint(fields=["report", "account"], name="report_line_unique"),
            models.CheckConstraint(
                condition=Q(forecast__gte=0, actual__gte=0),
                name="report_line_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
        ]

    def __str__(self) -> str:
        return self.get_account_display()
