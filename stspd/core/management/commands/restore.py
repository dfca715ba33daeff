from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stspd.core.backup import BackupError, restore
from stspd.core.cache import bump


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde de `stspd backup` dans une base vide (migrée) ; --force "
        "remplace les données d'une base qui n'est pas vide."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="archive écrite par stspd backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="remplacer les données et les documents présents",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore(Path(options["file"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        bump()  # pages cached before the restore are unreachable (stspd/core/cache.py)
        self.stdout.write(
            f"Sauvegarde restaurée : {sum(restored.counts.values())} lignes, "
            f"{restored.media} documents."
        )
