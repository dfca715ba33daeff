import time
from typing import Any

from django.core.management.base import BaseCommand

from stspd.territories.importer import import_cog


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) le référentiel officiel des communes, EPCI, départements, régions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        report = import_cog()
        self.stdout.write(f"{report} en {time.perf_counter() - start:.1f} s.")
