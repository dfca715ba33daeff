from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stspd.core.backup import backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toutes les données et les documents déposés dans une archive tar.gz "
        "(données JSON, documents, manifeste)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="archive à écrire, par exemple stspd-2026-11-30.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup(Path(options["file"]))
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Sauvegarde écrite : {options['file']} ({rows} lignes, "
            f"{len(manifest['media'])} documents)."
        )
