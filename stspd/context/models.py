"""Context indicators from the State's open data (poverty, income, social housing, schools,
unemployment) and the priority neighbourhoods (QPV).

Written only by `stspd import-context KIND FILE` (`importer.py`): one edition per source and
period, replaced whole by a re-import of the same source and period, never by another's.
Parsing and every check are crimestats' (`crimestats.context`).
"""

from django.db import models

from crimestats.context import INDICATORS, ContextState
from stspd.territories.models import Commune


class SourceKind(models.TextChoices):
    FILOSOFI = "filosofi", "Filosofi (Insee) : pauvreté et revenus"
    QPV = "qpv", "Quartiers prioritaires de la politique de la ville (ANCT)"
    SRU = "sru", "Taux de logements sociaux (SRU)"
    IPS = "ips", "Indice de position sociale des écoles (DEPP)"
    CHOMAGE = "chomage", "Taux de chômage localisés (Insee)"


class GeoLevel(models.TextChoices):
    COMMUNE = "commune", "commune"
    ZONE_EMPLOI = "zone_emploi", "zone d'emploi"
    FRANCE = "france", "France"


STATE_CHOICES = [(state.value, state.label) for state in ContextState]
INDICATOR_CHOICES = [(code, indicator.label) for code, indicator in INDICATORS.items()]


class ContextEdition(models.Model):
    """One imported file: its source, its period (the edition) and its geography."""

    kind = models.CharField("source", max_length=10, choices=SourceKind.choices)
    edition = models.CharField(
        "édition", max_length=40, help_text="La période des données : 2021, 2025-T4…"
    )
    source_name = models.CharField("fichier", max_length=255)
    geography_year = models.PositiveSmallIntegerField("géographie au 1er janvier", null=True)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField("importée le")

    class Meta:
        ordering = ["kind", "edition"]
        verbose_name = "édition d'indicateurs de contexte"
        verbose_name_plural = "éditions d'indicateurs de contexte"
        constraints = [
            models.UniqueConstraint(fields=["kind", "edition"], name="context_edition_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.edition}"


class ContextValue(models.Model):
    """A value of a commune (on the current geography), an employment zone or France.

    `value` is null unless the state is published or censored (then it is the bound: a
    poverty rate "≤ 5 %" stores 5). `note` says why a value is unknown (a merged commune).
    """

    edition = models.ForeignKey(ContextEdition, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField("indicateur", max_length=30, choices=INDICATOR_CHOICES)
    geo_level = models.CharField("niveau", max_length=12, choices=GeoLevel.choices)
    code = models.CharField("code", max_length=5)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="context_values"
    )
    period = models.CharField("période", max_length=12)
    value = models.FloatField("valeur", null=True)
    unit = models.CharField("unité", max_length=8)
    state = models.CharField("état", max_length=16, choices=STATE_CHOICES)
    note = models.CharField("remarque", max_length=300, blank=True)

    class Meta:
        ordering = ["edition", "indicator", "geo_level", "code", "period"]
        verbose_name = "valeur de contexte"
        verbose_name_plural = "valeurs de contexte"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "indicator", "geo_level", "code", "period"],
                name="context_value_unique",
            )
        ]
        indexes = [models.Index(fields=["geo_level", "code", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.code} {self.period} : {self.value} ({self.state})"

    @property
    def context_state(self) -> ContextState:
        return ContextState.of(self.state)


class Qpv(models.Model):
    """A priority neighbourhood of the city policy, with the current communes it lies in."""

    edition = models.ForeignKey(ContextEdition, on_delete=models.CASCADE, related_name="qpvs")
    code = models.CharField("code", max_length=8)
    name = models.CharField("nom", max_length=200)
    zone = models.CharField("zone", max_length=10)
    status = models.CharField("statut", max_length=2, blank=True)
    communes = models.ManyToManyField(Commune, related_name="qpvs", verbose_name="communes")

    class Meta:
        ordering = ["code"]
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="context_qpv_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneZone(models.Model):
    """The employment zone of a current commune, as the unemployment edition's table says."""

    edition = models.ForeignKey(
        ContextEdition, on_delete=models.CASCADE, related_name="commune_zones"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="zones")
    zone = models.CharField("zone d'emploi", max_length=4)
    zone_name = models.CharField("nom de la zone d'emploi", max_length=100, blank=True)

    class Meta:
        ordering = ["commune"]
        verbose_name = "zone d'emploi d'une commune"
        verbose_name_plural = "zones d'emploi des communes"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "commune"], name="context_commune_zone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} -> {self.zone}"
