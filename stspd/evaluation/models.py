"""Appraisals of objectives and actions, and when an intervention began.

The numbers (changes, counterfactuals) are computed on every reading from the stored figures
and measurements: only what a person writes is stored here.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from .enums import Implementation, Recommendation


class AppraisalQuerySet(models.QuerySet["Appraisal"]):
    def validated(self) -> "AppraisalQuerySet":
        """What reports may use: appraisals the coordinator wrote or validated."""
        return self.filter(validated_at__isnull=False)


class Appraisal(models.Model):
    """The qualitative appraisal of one objective, or of one fiche action, for one year.

    The coordinator writes them; the members of a fiche's lead organisation write a draft of
    their fiche's, which the coordinator validates. Only validated appraisals reach reports."""

    objective = models.ForeignKey(
        "strategy.Objective",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    action = models.ForeignKey(
        "strategy.Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    year = models.PositiveSmallIntegerField(
        "année évaluée", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    implementation = models.CharField(
        "mise en œuvre comme prévu ?", max_length=10, choices=Implementation.choices
    )
    effects = models.TextField("effets observés", blank=True)
    unexpected_effects = models.TextField("effets inattendus", blank=True)
    partners_views = models.TextField("avis des partenaires", blank=True)
    recommendation = models.CharField(
        "recommandation", max_length=8, choices=Recommendation.choices
    )
    reasons = models.TextField("motifs de la recommandation")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validée par",
    )

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = "appréciation"
        verbose_name_plural = "appréciations"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective__isnull=False, action__isnull=True)
                    | Q(objective__isnull=True, action__isnull=False)
                ),
                name="appraisal_of_one_element",
            ),
            models.UniqueConstraint(
                fields=["objective", "year"],
                condition=Q(objective__isnull=False),
                name="one_appraisal_per_objective_year",
                violation_error_message="Cet objectif a déjà une appréciation pour cette année.",
            ),
            models.UniqueConstraint(
                fields=["action", "year"],
                condition=Q(action__isnull=False),
                name="one_appraisal_per_action_year",
                violation_error_message="Cette action a déjà une appréciation pour cette année.",
            ),
        ]

    def __str__(self) -> str:
        subject = self.objective or self.action
        return f"Appréciation {self.year} — {subject}"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None


class InterventionStart(models.Model):
    """The first year of the intervention an objective's indicator measures, when it is not
    the strategy's first year (an action that continues an earlier programme, or starts late).

    The counterfactual compares the years before it with the years since.
    """

    objective_indicator = models.OneToOneField(
        "strategy.ObjectiveIndicator", on_delete=models.CASCADE, related_name="intervention_start"
    )
    year = models.PositiveSmallIntegerField(
        "première année de l'intervention",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    reason = models.TextField(
        "pourquoi cette année",
        help_text="Par exemple : l'action prolonge un dispositif engagé par le contrat précédent.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "début de l'intervention"
        verbose_name_plural = "débuts des interventions"

    def __str__(self) -> str:
        return f"Début de l'intervention : {self.year}"


class PublishedReport(models.Model):
    """An annual review the coordinator published on the public portal: its public version
    (public indicators only), frozen as a PDF when published, replaced if published again."""

    strategy = models.ForeignKey(
        "strategy.Strategy", on_delete=models.CASCADE, related_name="published_reports"
    )
    year = models.PositiveSmallIntegerField("année")
    pdf = models.FileField("document", upload_to="rapports-publies/")
    # The file's SHA-256, its ETag; empty for a review published before it was kept (computed
    # at its first request then).
    sha256 = models.CharField("SHA-256 du document", max_length=64, blank=True)
    published_at = models.DateTimeField("publié le")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "bilan publié"
        verbose_name_plural = "bilans publiés"
        constraints = [
            models.UniqueConstraint(fields=["strategy", "year"], name="one_published_report_a_year")
        ]

    def __str__(self) -> str:
        return f"Bilan annuel {self.year} publié"
