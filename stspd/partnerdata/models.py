"""Partners' data: the files a council receives from its partners, reduced to aggregated facts.

No person is ever named here: nominative columns are dropped when a file is read (see
`crimestats.partner_files`), only the cleaned cells are kept between the steps of an import, and
they are deleted once the file is imported. A `Record` is a count of facts of one local indicator,
on one day, in one commune, at one rounded position or none.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from stspd.accounts.models import Organisation
from stspd.councils.models import Council
from stspd.territories.models import Commune

from .enums import SourceKind, UploadState


class LocalIndicator(models.Model):
    """What a council counts from its partners' files, e.g. « Incivilités signalées à la police
    municipale », unit « signalement »."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="partner_indicators"
    )
    label = models.CharField("libellé", max_length=200)
    unit = models.CharField("unité", max_length=50, default="fait")

    class Meta:
        ordering = ["label"]
        verbose_name = "indicateur local"
        verbose_name_plural = "indicateurs locaux"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "label"],
                name="local_indicator_unique",
                violation_error_message="Ce conseil a déjà un indicateur local de ce nom.",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Source(models.Model):
    """A partner's recurring file (e.g. the monthly logbook of the police municipale), with the
    column and category mapping saved from its last upload."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="partner_sources")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partner_sources",
        verbose_name="partenaire",
    )
    kind = models.CharField("type de données", max_length=20, choices=SourceKind.choices)
    name = models.CharField("nom", max_length=200)
    # {"columns": {role: header}, "categories": {category as written: indicator id or null}}
    mapping = models.JSONField("correspondances enregistrées", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "source de données partenaire"
        verbose_name_plural = "sources de données partenaires"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"],
                name="partner_source_name_unique",
                violation_error_message="Une source de ce conseil porte déjà ce nom.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerdata:source", args=[self.pk])


class Upload(models.Model):
    """One file deposited for a source: staged (cleaned cells kept for the mapping and the
    preview), then imported (cells deleted, records written)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="uploads")
    file_name = models.CharField("fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    # Of the parsed rows (crimestats Table.fingerprint): the same file re-saved with other line
    # endings or encoding has other bytes, the same facts. Empty for uploads made before it.
    content_sha256 = models.CharField("empreinte du contenu", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    state = models.CharField(
        "état", max_length=10, choices=UploadState.choices, default=UploadState.STAGED
    )
    # The file's cells without its nominative columns (crimestats.partner_files.Table.as_json);
    # null once imported.
    table = models.JSONField(null=True, blank=True, editable=False)
    mapping = models.JSONField("correspondances", default=dict, blank=True)
    rows_total = models.PositiveIntegerField("lignes lues", default=0)
    rows_imported = models.PositiveIntegerField("lignes importées", default=0)
    rows_ignored = models.PositiveIntegerField("lignes ignorées", default=0)
    facts_total = models.PositiveIntegerField("faits importés", default=0)
    dropped_columns = models.JSONField("colonnes écartées", default=list, blank=True)
    # Names, e-mail addresses and telephone numbers found inside kept cells and replaced by
    # "[retiré]" (partnerdata.minimise).
    mentions_removed = models.PositiveIntegerField("mentions de personnes retirées", default=0)
    errors = models.JSONField("erreurs du dernier essai d'import", default=list, blank=True)
    imported_at = models.DateTimeField("importé le", null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "dépôt de fichier"
        verbose_name_plural = "dépôts de fichiers"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "sha256"],
                condition=Q(state=UploadState.IMPORTED),
                name="upload_imported_once",
                violation_error_message="Ce fichier a déjà été importé pour cette source.",
            ),
            models.UniqueConstraint(
                fields=["source", "content_sha256"],
                condition=Q(state=UploadState.IMPORTED) & ~Q(content_sha256=""),
                name="upload_content_imported_once",
                violation_error_message="Ce fichier a déjà été importé pour cette source.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source})"

    def get_absolute_url(self) -> str:
        return reverse("partnerdata:upload", args=[self.pk])

    @property
    def is_imported(self) -> bool:
        return self.state == UploadState.IMPORTED


class Record(models.Model):
    """An aggregated fact: a count, for one indicator, day and place. No text, no person."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="records")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="records")
    indicator = models.ForeignKey(
        LocalIndicator,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name="indicateur local",
    )
    day = models.DateField("date")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lon = models.FloatField("longitude", null=True, blank=True)
    lat = models.FloatField("latitude", null=True, blank=True)
    count = models.PositiveIntegerField("nombre de faits")

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = "fait agrégé"
        verbose_name_plural = "faits agrégés"
        indexes = [
            models.Index(fields=["source", "day"]),
            models.Index(fields=["indicator", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.day:%d/%m/%Y} : {self.count}"
