from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stspd.territories.shapes import DEMO_SHAPES, ShapeFileError, import_shapes


class Command(BaseCommand):
    help = (
        "Charge les contours des communes depuis un fichier GeoJSON (propriété « code » = code "
        "INSEE) ; sans argument, ceux de la Seine-Maritime livrés avec stspd."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="FICHIER", nargs="?", default=str(DEMO_SHAPES))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_shapes(Path(options["source"]))
        except ShapeFileError as exc:
            raise CommandError(f"Import annulé, rien n'a été modifié.\n{exc}") from exc
        self.stdout.write(str(report))
