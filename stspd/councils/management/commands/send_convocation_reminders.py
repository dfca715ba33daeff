from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from stspd.councils.convocations import send_reminders, site_url


class Command(BaseCommand):
    help = (
        "Relance par courriel les représentants convoqués qui n'ont pas répondu, pour les "
        "séances des prochains jours (une seule relance par convocation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="séances commençant dans ce nombre de jours"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders(timezone.now(), options["days"], site_url())
        self.stdout.write(f"{sent} relance(s) de convocation envoyée(s).")
