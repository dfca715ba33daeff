from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from stspd.partnerdata.retention import (
    expired_uploads,
    purge_uploads,
    retention_days,
    retention_limit,
)


class Command(BaseCommand):
    help = (
        "Supprime les fichiers de partenaires déposés mais jamais importés, plus anciens que la "
        "durée de conservation (STSPD_STAGED_UPLOAD_RETENTION_DAYS). Sans --apply, liste "
        "seulement ce qui serait supprimé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="supprimer pour de bon")

    def handle(self, *args: Any, **options: Any) -> None:
        uploads = expired_uploads()
        limit = timezone.localtime(retention_limit())
        days = retention_days()
        for upload in uploads:
            self.stdout.write(
                f"- {upload.source.council} : {upload} "
                f"(déposé le {timezone.localtime(upload.uploaded_at):%d/%m/%Y})"
            )
        if options["apply"]:
            purged = purge_uploads(uploads)
            self.stdout.write(
                f"{purged} dépôt(s) non importé(s) antérieur(s) au {limit:%d/%m/%Y %H:%M} "
                f"supprimé(s) (conservation : {days} jours)."
            )
        else:
            self.stdout.write(
                f"{uploads.count()} dépôt(s) non importé(s) antérieur(s) au "
                f"{limit:%d/%m/%Y %H:%M} seraient supprimés (conservation : {days} jours). "
                "Relancez avec --apply pour les supprimer."
            )
