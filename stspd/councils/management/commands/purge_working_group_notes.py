from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from stspd.councils.retention import expired_minutes, purge_minutes, retention_limit


class Command(BaseCommand):
    help = (
        "Efface les comptes rendus des séances de groupes de travail plus anciennes que la durée "
        "de conservation (STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS). Sans --apply, liste "
        "seulement ce qui serait effacé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="effacer pour de bon")

    def handle(self, *args: Any, **options: Any) -> None:
        meetings = expired_minutes()
        limit = timezone.localtime(retention_limit())
        years = settings.STSPD_WORKING_GROUP_NOTES_RETENTION_YEARS
        for meeting in meetings:
            self.stdout.write(f"- {meeting.formation.council} : {meeting}")
        if options["apply"]:
            purged = purge_minutes(meetings)
            self.stdout.write(
                f"{purged} compte(s) rendu(s) de groupe de travail antérieur(s) au "
                f"{limit:%d/%m/%Y} effacé(s) (conservation : {years} ans)."
            )
        else:
            self.stdout.write(
                f"{meetings.count()} compte(s) rendu(s) antérieur(s) au {limit:%d/%m/%Y} "
                f"seraient effacés (conservation : {years} ans). Relancez avec --apply pour "
                "les effacer."
            )
