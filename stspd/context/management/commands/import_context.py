import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crimestats.context import KINDS, ContextFormatError
from stspd.context.importer import import_context

ROLLED_BACK = "Import annulé, la base de données n'a pas été modifiée."


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Importe un fichier d'indicateurs de contexte : filosofi (pauvreté, revenu médian, "
        "Insee), qpv (quartiers prioritaires, ANCT), sru (taux de logements sociaux), ips (IPS "
        "des écoles, DEPP), chomage (taux de chômage localisés par zone d'emploi, Insee : avec "
        "--zones, la table des communes et de leur zone d'emploi)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", metavar="SOURCE", choices=KINDS)
        parser.add_argument("source", metavar="FICHIER")
        parser.add_argument(
            "--zones",
            metavar="FICHIER",
            help="table code_insee,ze2020 (obligatoire pour chomage)",
        )
        parser.add_argument(
            "--geographie",
            type=int,
            metavar="ANNÉE",
            help="année de la géographie des communes du fichier (par défaut : geoAAAA du nom)",
        )
        parser.add_argument(
            "--edition", metavar="PÉRIODE", help="période des données (par défaut : le fichier)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["zones"] and options["kind"] != "chomage":
            raise CommandError("--zones ne sert qu'aux taux de chômage (source chomage).")
        start = time.perf_counter()
        try:
            report = import_context(
                options["source"],
                options["kind"],
                zones=options["zones"],
                geography_year=options["geographie"],
                edition=options["edition"],
            )
        except ContextFormatError as exc:
            raise CommandError(f"{ROLLED_BACK}\n{exc}") from exc
        except OSError as exc:
            raise CommandError(f"{ROLLED_BACK}\nFichier illisible : {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"{ROLLED_BACK}\nErreur de la base de données : {exc}") from exc
        self.stdout.write(f"{report}\nDurée : {time.perf_counter() - start:.1f} s.")
