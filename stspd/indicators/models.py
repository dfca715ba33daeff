from django.db import models
from django.db.models import Q

from crimestats.context import INDICATORS as CONTEXT_INDICATORS
from stspd.councils.models import Council
from stspd.observatory.models import Indicator as ObservatoryIndicator

from .enums import Direction, IndicatorKind, Periodicity

SURVEY_UNIT = "%"
# The context sources a shared library entry may be bound to: the context room's indicators
# (crimestats.context) and the number of priority neighbourhoods (QPV) of the territory.
QPV_COUNT = "qpv_count"
CONTEXT_SOURCES = [
    *((code, indicator.label) for code, indicator in CONTEXT_INDICATORS.items()),
    (QPV_COUNT, "Nombre de quartiers prioritaires de la politique de la ville (QPV)"),
]


class IndicatorDefinition(models.Model):
    """An entry of the indicator library a coordinator picks from.

    Shared entries (no council) are the SSMSI indicators, bound to the observatory, and the
    common activity indicators; a council may add its own, among them shares fed by its
    residents' surveys: the question's code and the answers counted are stored as plain values
    (the surveys room is beside this one, not below: steering reads the waves).
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
    survey_question = models.SlugField(
        "question des enquêtes",
        max_length=40,
        blank=True,
        help_text="Code de la question des enquêtes du conseil dont chaque vague publiée donne "
        "une valeur (part pondérée, en %).",
    )
    survey_answers = models.JSONField("réponses comptées", default=list, blank=True)
    context_source = models.CharField(
        "source de contexte",
        max_length=30,
        blank=True,
        choices=CONTEXT_SOURCES,
        help_text="Les valeurs viennent alors des données de contexte importées (Insee, ANCT, "
        "DEPP, ministère du Logement) pour le territoire de l'indicateur.",
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
            # A share of a survey is in percent, never mixed with another unit or source.
            models.CheckConstraint(
                condition=Q(survey_question="")
                | Q(unit=SURVEY_UNIT, observatory_indicator__isnull=True, council__isnull=False),
                name="survey_indicator_in_percent",
                violation_error_message="Un indicateur tiré des enquêtes s'exprime en %.",
            ),
            # A context source feeds a shared context indicator, and nothing else feeds it.
            models.CheckConstraint(
                condition=Q(context_source="")
                | Q(
                    kind="context",
                    council__isnull=True,
                    observatory_indicator__isnull=True,
                    survey_question="",
                ),
                name="context_source_shared_context_indicator",
                violation_error_message="Une source de contexte alimente un indicateur de "
                "contexte de la bibliothèque commune.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @property
    def from_observatory(self) -> bool:
        return self.observatory_indicator_id is not None

    @property
    def from_survey(self) -> bool:
        """Its values are the weighted shares of the council's published survey waves."""
        return bool(self.survey_question)

    @property
    def from_context(self) -> bool:
        """Its values are the imported context data of its territory (stspd.context)."""
        return bool(self.context_source)

    @property
    def is_reported(self) -> bool:
        """Its values are reported by the pilots (neither the SSMSI's, the surveys' nor the
        context data's)."""
        return not (self.from_observatory or self.from_survey or self.from_context)
