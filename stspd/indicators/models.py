from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from stspd.councils.models import Council
from stspd.observatory.models import Indicator as ObservatoryIndicator
from stspd.observatory.models import State as ObservatoryState

from .enums import Direction, IndicatorKind, MeasurementStatus, Periodicity

if TYPE_CHECKING:
    from stspd.strategy.models import ActionIndicator, ObjectiveIndicator


class IndicatorDefinition(models.Model):
    """An entry of the indicator library a coordinator picks from.

    Shared entries (no council) are the SSMSI indicators, bound to the observatory, and the
    common activity indicators; a council may add its own.
    """

    council = models.ForeignKey(
        Council,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_definitions",
        help_text="Vide pour un indicateur de la bibliothèque commune.",
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=8, choices=IndicatorKind.choices)
    unit = models.CharField(
        "unité", max_length=60, help_text="Par exemple : nombre, euros, taux pour 1 000 habitants."
    )
    periodicity = models.CharField(
        "périodicité", max_length=7, choices=Periodicity.choices, default=Periodicity.YEAR
    )
    direction = models.CharField(
        "sens souhaité", max_length=8, choices=Direction.choices, blank=True
    )
    description = models.TextField("définition", blank=True)
    observatory_indicator = models.OneToOneField(
        ObservatoryIndicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="definition",
        verbose_name="série de l'observatoire",
        help_text="Les valeurs viennent alors des statistiques nationales importées.",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "indicateur de la bibliothèque"
        verbose_name_plural = "bibliothèque d'indicateurs"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(council__isnull=True),
                name="shared_indicator_name_unique",
                violation_error_message="La bibliothèque commune a déjà un indicateur de ce nom.",
            ),
            models.UniqueConstraint(
                fields=["council", "name"],
                name="council_indicator_name_unique",
                violation_error_message="Ce conseil a déjà un indicateur de ce nom.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def from_observatory(self) -> bool:
        return self.observatory_indicator_id is not None


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
    def use(self) -> "ActionIndicator | ObjectiveIndicator":
        """The indicator of an action or of an objective the value is reported for."""
        use = self.action_indicator or self.objective_indicator
        assert use is not None  # guaranteed by measurement_of_one_indicator
        return use
