"""SSMSI recorded-crime statistics: editions, indicators and values (DOMAIN.md, section 3).

Aggregated open data only, no person-level data. Every value keeps the edition it comes from; a
new edition replaces the values it re-projects (same geographic level, indicators and years) and
the older Edition rows stay as history.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse


class GeoLevel(models.TextChoices):
    COMMUNE = "commune", "Commune"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"


class DenominatorKind(models.TextChoices):
    INHABITANTS = "inhabitants", "pour 1 000 habitants"
    DWELLINGS = "dwellings", "pour 1 000 logements"


class State(models.TextChoices):
    PUBLISHED = "published", "publiée"
    ZERO = "zero", "zéro publié"
    SUPPRESSED = "suppressed", "non diffusée (secret statistique)"


class Edition(models.Model):
    """One imported SSMSI file. Re-importing the same file (same SHA-256) reuses its row."""

    source_name = models.CharField("fichier source", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    production_date = models.DateField("date de production", null=True, blank=True)
    cog_year = models.PositiveSmallIntegerField("millésime du COG", null=True, blank=True)
    schema_version = models.PositiveSmallIntegerField("version du schéma")
    geo_level = models.CharField("niveau géographique", max_length=11, choices=GeoLevel.choices)
    file_format = models.CharField("format", max_length=10)
    label_table_version = models.CharField("table des libellés", max_length=20)
    first_year = models.PositiveSmallIntegerField("première année", null=True)
    last_year = models.PositiveSmallIntegerField("dernière année", null=True)
    imported_at = models.DateTimeField("importée le")
    rows_read = models.PositiveIntegerField("lignes lues", default=0)
    rows_stored = models.PositiveIntegerField("valeurs enregistrées", default=0)
    published = models.PositiveIntegerField("valeurs publiées", default=0)
    zero = models.PositiveIntegerField("zéros publiés", default=0)
    suppressed = models.PositiveIntegerField("valeurs non diffusées", default=0)
    unknown_rows = models.PositiveIntegerField("lignes de territoires inconnus", default=0)
    unknown_codes = models.JSONField("codes de territoires inconnus", default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "édition SSMSI"
        verbose_name_plural = "éditions SSMSI"

    def __str__(self) -> str:
        return self.source_name


class Indicator(models.Model):
    """A canonical indicator of crimestats.labels (labels renamed between editions map to one)."""

    label = models.CharField("libellé", max_length=100, unique=True)
    unit = models.CharField("unité de compte", max_length=30)
    denominator_kind = models.CharField(
        "dénominateur du taux", max_length=11, choices=DenominatorKind.choices
    )
    retired = models.BooleanField("série abandonnée", default=False)

    class Meta:
        ordering = ["label"]
        verbose_name = "indicateur"

    def __str__(self) -> str:
        return self.label


class Value(models.Model):
    """One territory x year x indicator cell, in one of three states.

    A suppressed cell (statistical secrecy) has no count and no rate: it is never 0.
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="values")
    geo_level = models.CharField("niveau géographique", max_length=11, choices=GeoLevel.choices)
    geo_code = models.CharField("code du territoire", max_length=5)
    year = models.PositiveSmallIntegerField("année")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    state = models.CharField("état", max_length=10, choices=State.choices)
    count = models.PositiveIntegerField("nombre", null=True, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    dwellings = models.PositiveIntegerField("logements", null=True, blank=True)
    rate = models.FloatField("taux pour mille publié", null=True, blank=True)

    class Meta:
        verbose_name = "valeur"
        constraints = [
            # Also the index that reads one territory's series or a list of territories.
            models.UniqueConstraint(
                fields=["geo_level", "geo_code", "year", "indicator"],
                name="observatory_value_unique_cell",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=State.SUPPRESSED, count__isnull=True, rate__isnull=True)
                    | Q(state=State.ZERO, count=0)
                    | Q(state=State.PUBLISHED, count__gt=0)
                ),
                name="observatory_value_state_matches_count",
            ),
        ]
        indexes = [
            # Replacing an edition deletes by level, indicators and years.
            models.Index(
                fields=["geo_level", "indicator", "year"], name="observatory_value_replace"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.geo_code} {self.year} {self.indicator_id} {self.state}"


class Diagnostic(models.Model):
    """The council's diagnostic local de sécurité: text sections around the observatory's figures.

    Figures are embedded by reference (an indicator), never copied: the page and the PDF show
    the stored values of the day, with their edition.
    """

    council = models.OneToOneField(
        "councils.Council", on_delete=models.CASCADE, related_name="diagnostic"
    )
    title = models.CharField("titre", max_length=200)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "diagnostic local de sécurité"
        verbose_name_plural = "diagnostics locaux de sécurité"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("observatory:diagnostic", args=[self.council_id])


class DiagnosticSection(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("titre", max_length=200)
    text = models.TextField("texte", blank=True)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostic_sections",
        verbose_name="chiffres de l'observatoire",
        help_text="La série de cet indicateur pour le territoire du conseil, avec ses "
        "comparaisons, s'affiche sous le texte.",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "section du diagnostic"
        verbose_name_plural = "sections du diagnostic"

    def __str__(self) -> str:
        return self.title
