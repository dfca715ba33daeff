"""Reported values of the strategy's indicators.

The table keeps its name from the time the model lived in `indicators` (`indicators_measurement`):
moving a model between apps must not move a row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from stspd.observatory.models import State as ObservatoryState
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator

from .enums import MeasurementStatus


class Measurement(models.Model):
    """A reported value of an objective's or an action's indicator for one period.

    Like the observatory's values, a measurement is in one of three states: published (a
    number), zero, or suppressed (the partner may not disclose it: no number, never 0). Values of
    indicators bound to the observatory are not reported: they are read from the imported
    editions.
    """

    objective_indicator = models.ForeignKey(
        "strategy.ObjectiveIndicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
    )
    action_indicator = models.ForeignKey(
        "strategy.ActionIndicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
    )
    period_start = models.DateField("début de la période")
    state = models.CharField(
        "état", max_length=10, choices=ObservatoryState.choices, default=ObservatoryState.PUBLISHED
    )
    value = models.DecimalField("valeur", max_digits=14, decimal_places=3, null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)
    evidence = models.FileField("justificatif", upload_to="evidence/", blank=True)
    warning = models.TextField(
        "alerte de vraisemblance",
        blank=True,
        help_text="Pourquoi la valeur paraît inhabituelle (elle est enregistrée quand même).",
    )
    late = models.BooleanField("transmise en retard", default=False)
    status = models.CharField(
        "suite donnée",
        max_length=9,
        choices=MeasurementStatus.choices,
        default=MeasurementStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField("transmise le")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("examinée le", null=True, blank=True)
    review_comment = models.TextField("motif du renvoi", blank=True)

    class Meta:
        db_table = "indicators_measurement"
        ordering = ["period_start", "pk"]
        verbose_name = "valeur renseignée"
        verbose_name_plural = "valeurs renseignées"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(objective_indicator__isnull=False, action_indicator__isnull=True)
                    | Q(objective_indicator__isnull=True, action_indicator__isnull=False)
                ),
                name="measurement_of_one_indicator",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=ObservatoryState.SUPPRESSED, value__isnull=True)
                    | Q(state=ObservatoryState.ZERO, value=0)
                    | Q(state=ObservatoryState.PUBLISHED, value__isnull=False)
                ),
                name="measurement_value_matches_state",
                violation_error_message=(
                    "Une valeur non communiquée n'a pas de nombre ; une valeur nulle vaut 0."
                ),
            ),
            models.UniqueConstraint(
                fields=["objective_indicator", "period_start"],
                condition=Q(objective_indicator__isnull=False),
                name="one_measurement_per_objective_indicator_period",
                violation_error_message="Une valeur existe déjà pour cette période.",
            ),
            models.UniqueConstraint(
                fields=["action_indicator", "period_start"],
                condition=Q(action_indicator__isnull=False),
                name="one_measurement_per_action_indicator_period",
                violation_error_message="Une valeur existe déjà pour cette période.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%m/%Y} : {self.value if self.value is not None else 'n.c.'}"

    @property
    def use(self) -> ActionIndicator | ObjectiveIndicator:
        """The indicator of an action or of an objective the value is reported for."""
        use = self.action_indicator or self.objective_indicator
        assert use is not None  # guaranteed by measurement_of_one_indicator
        return use
