import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stspd.councils.models import Council
from stspd.strategy.documents.json_io import (
    JsonRejected,
    import_strategy,
    parse,
    preview_strategy,
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Importe une stratégie exportée en JSON (docs/strategy-json.md) dans un conseil : les "
        "organisations absentes sont créées par leur nom, les indicateurs rapprochés de ceux de "
        "l'observatoire par leur libellé. Tout ou rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FICHIER", help="chemin du fichier, ou - pour l'entrée")
        parser.add_argument("--council", required=True, type=int, metavar="ID")
        parser.add_argument(
            "--apercu",
            action="store_true",
            help="montre, élément par élément, ce que l'import créerait, sans rien enregistrer",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        council = Council.objects.filter(pk=options["council"]).first()
        if council is None:
            raise CommandError(f"Aucun conseil n'a le numéro {options['council']}.")
        name = options["file"]
        try:
            raw = sys.stdin.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Lecture de {name} impossible : {exc.strerror}.") from exc
        try:
            if options["apercu"]:
                preview = preview_strategy(parse(raw), council)
                result = preview.result
            else:
                result = import_strategy(parse(raw), council, by=None, source=Path(name).name)
        except JsonRejected as exc:
            raise CommandError(
                f"{len(exc.errors)} erreur(s), rien n'est importé :\n"
                + "\n".join(f"  {e}" for e in exc.errors)
            ) from exc
        for notice in result.notices:
            self.stderr.write(f"Note : {notice}")
        for what, names in (
            ("Organisation(s) créée(s)", result.created_organisations),
            ("Indicateur(s) créé(s) dans la bibliothèque du conseil", result.created_indicators),
        ):
            if names:
                self.stderr.write(f"{what} : {', '.join(names)}.")
        strategy = result.strategy
        if options["apercu"]:
            self.stdout.write(
                f"Aperçu : l'import créerait dans {council.name} la stratégie "
                f"« {strategy.title} », avec {len(preview.elements) - 1} élément(s) :"
            )
            for element in preview.elements[1:]:
                self.stdout.write(f"  + {element.label}")
            self.stdout.write("Rien n'est importé (aperçu) : relancez sans --apercu pour importer.")
            return
        self.stdout.write(
            f"Stratégie « {strategy.title} » importée dans {council.name} (numéro {strategy.pk})."
        )
