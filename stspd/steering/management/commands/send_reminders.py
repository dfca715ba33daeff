import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stspd.steering.reminders import send_reminders


class Command(BaseCommand):
    # Run by cron every morning; the system checks would import every view for nothing.
    requires_system_checks: list[str] = []
    help = (
        "Relance par courriel chaque pilote des valeurs d'indicateurs attendues dans les 7 jours "
        "et de celles en retard (un courriel par personne et par jour) ; signale au "
        "coordinateur les personnes sans adresse et les indicateurs sans pilote."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Affiche les relances sans rien envoyer ni enregistrer.",
        )
        parser.add_argument(
            "--date",
            help="Jour de référence AAAA-MM-JJ (par défaut aujourd'hui).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"Date illisible : {options['date']} (AAAA-MM-JJ).") from None
        dry_run: bool = options["dry_run"]
        report = send_reminders(today, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Simulation : aucun courriel n'est envoyé.")
        for line in report.lines(dry_run=dry_run):
            (self.stderr if line.startswith("NON TRANSMIS") else self.stdout).write(line)
