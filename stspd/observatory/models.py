"""SSMSI recorded-crime statistics: editions, indicators and values (docs/domain.md, section 3).

Aggregated open data only, no person-level data. Every value keeps the edition it comes from (its
block's); an imported file replaces the values it carries (same geographic level, territory,
indicator and year) and the older Edition rows stay as history.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from crimestats.states import ValueState


class GeoLevel(models.TextChoices):
    COMMUNE = "commune", "Commune"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"


class DenominatorKind(models.TextChoices):
    INHABITANTS = "inhabitants", "pour 1 000 habitants"
    DWELLINGS = "dwellings", "pour 1 000 logements"


class State(models.TextChoices):
    """The stored states of crimestats.states.ValueState. A value is never stored as a bound,
    except a stored SSMSI cell that sums a merged commune's parts (blocks.LOWER_BOUND)."""

    PUBLISHED = ValueState.PUBLISHED.value, ValueState.PUBLISHED.long_label
    ZERO = ValueState.ZERO.value, ValueState.ZERO.long_label
    SUPPRESSED = ValueState.SUPPRESSED.value, ValueState.SUPPRESSED.long_label


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
    lower_bound = models.PositiveIntegerField(
        "bornes inférieures (communes fusionnées dont une partie n'est pas diffusée)", default=0
    )
    unknown_rows = models.PositiveIntegerField("lignes de territoires inconnus", default=0)
    unknown_codes = models.JSONField("codes de territoires inconnus", default=list, blank=True)
    # The file's own codes of the values it stores under another: a commune merged since the
    # file's geography, added to the current commune (docs/decisions.md).
    merged_codes = models.JSONField(
        "anciens codes de communes additionnés à leur commune actuelle (ancien -> actuel)",
        default=dict,
        blank=True,
    )

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


class SeriesBlock(models.Model):
    """The series of one indicator, in one edition, for the territories of one area.

    The area is the département of a commune (2 characters, 3 overseas), or the code of a
    département or a region. The values are packed arrays, one per field, decoded with numpy
    by `stspd.observatory.blocks` (layout and rules there): one cell per territory x year in
    one of three states, a suppressed cell has no count and no rate (never 0), with its
    population and dwellings. Why not one row per value? Because a national communal file
    has 5.2 million of them: written, indexed and replaced as ~1,600 blocks, it imports in
    seconds, and readers decode a département's block in microseconds (docs/decisions.md).

    A territory x indicator x year has at most one cell over all blocks: importing a file
    removes the cells it carries from the stored blocks of its areas, whatever their edition,
    and leaves the others there (docs/decisions.md).
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="blocks")
    geo_level = models.CharField("niveau géographique", max_length=11, choices=GeoLevel.choices)
    area = models.CharField("zone (département ou code du territoire)", max_length=5)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="blocks")
    first_year = models.PositiveSmallIntegerField("première année")
    last_year = models.PositiveSmallIntegerField("dernière année")
    size = models.PositiveIntegerField("nombre de valeurs")
    codes = models.TextField("codes des territoires de la zone, séparés par des espaces")
    code_index = models.BinaryField("territoire de chaque valeur (uint16, rang dans codes)")
    years = models.BinaryField("années (int16)")
    states = models.BinaryField("états (uint8 : 0 publiée, 1 zéro, 2 non diffusée)")
    counts = models.BinaryField("nombres (int32, -1 si non diffusé)")
    populations = models.BinaryField("populations (int32, -1 si inconnue)")
    dwellings = models.BinaryField("logements (int32, -1 si inconnu)")
    rates = models.BinaryField("taux pour mille publiés (float64, NaN si absent)")

    class Meta:
        verbose_name = "bloc de séries"
        verbose_name_plural = "blocs de séries"
        constraints = [
            # Also the index that reads the blocks of some areas (a territory's départements).
            models.UniqueConstraint(
                fields=["geo_level", "area", "indicator", "edition"],
                name="observatory_block_unique",
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0, first_year__lte=F("last_year")),
                name="observatory_block_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.geo_level} {self.area} {self.indicator_id} édition {self.edition_id}"


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
