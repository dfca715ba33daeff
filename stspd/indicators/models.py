from django.db import models
from django.db.models import Q

from stspd.councils.models import Council
from stspd.observatory.models import Indicator as ObservatoryIndicator

from .enums import Direction, IndicatorKind, Periodicity


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
