"""The official commune reference (COG): regions, départements, EPCI and communes.

Reference data, replaced as a whole by `stspd import-cog`: nothing else writes these tables.
"""

from django.db import models
from django.urls import reverse


class Region(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "région"

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    search_name = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("territories:departement", args=[self.code])


class EpciKind(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=5, choices=EpciKind.choices)
    population = models.PositiveIntegerField("population municipale")
    search_name = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:epci", args=[self.siren])


class CommuneKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    ARRONDISSEMENT = "arrondissement", "Arrondissement municipal"


class Commune(models.Model):
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille.

    Arrondissements keep a link to their city (`parent`): figures of a city and of its
    arrondissements must never be added together (docs/domain.md, section 3).
    """

    code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    kind = models.CharField(max_length=14, choices=CommuneKind.choices)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="arrondissements"
    )
    population = models.PositiveIntegerField("population municipale", null=True)
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = "commune"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("territories:commune", args=[self.code])


class FormerCommuneCode(models.Model):
    """A commune code that no longer exists, and the current commune that took it over.

    Communes merge every year (communes nouvelles); an SSMSI file on an older geography still
    lists the former communes, whose values belong to the current one. Loaded from the
    reference (`stspd import-cog`, data/anciens_codes_vers_cog2026.csv.gz).
    """

    code = models.CharField("ancien code INSEE", max_length=5, unique=True)
    name = models.CharField(
        "nom de l'ancienne commune",
        max_length=100,
        blank=True,
        help_text="Renseigné quand elle subsiste comme commune déléguée ou associée.",
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        related_name="former_codes",
        verbose_name="commune actuelle",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "ancien code de commune"
        verbose_name_plural = "anciens codes de communes"

    def __str__(self) -> str:
        return f"{self.code} -> {self.commune_id}"


class CommuneShape(models.Model):
    """A commune's outline, a GeoJSON geometry (Polygon or MultiPolygon, WGS84 lon/lat).

    Kept apart from `Commune` so that lists of communes never carry their polygons.
    """

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="shape")
    geometry = models.JSONField("contour (GeoJSON)")
    source = models.CharField("source", max_length=200)

    class Meta:
        verbose_name = "contour de commune"
        verbose_name_plural = "contours de communes"

    def __str__(self) -> str:
        return f"Contour de {self.commune_id}"
