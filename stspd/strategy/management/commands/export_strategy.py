from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stspd.strategy.documents.json_io import dumps
from stspd.strategy.models import Strategy
from stspd.strategy.snapshot import snapshot


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # no view is needed to read a strategy
    help = (
        "Exporte le contenu d'une stratégie (version de travail, ou une version figée avec "
        "--figee N) en JSON, au schéma décrit dans docs/strategy-json.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("strategy_id", metavar="ID", type=int)
        parser.add_argument("file", metavar="FICHIER", help="chemin du fichier, ou - pour l'écran")
        parser.add_argument("--figee", dest="number", type=int, help="numéro de version figée")

    def handle(self, *args: Any, **options: Any) -> None:
        strategy = Strategy.objects.filter(pk=options["strategy_id"]).first()
        if strategy is None:
            raise CommandError(f"Aucune stratégie n'a le numéro {options['strategy_id']}.")
        if options["number"] is None:
            data = snapshot(strategy.pk)
        else:
            version = strategy.versions.filter(number=options["number"]).first()
            if version is None:
                raise CommandError(f"La stratégie n'a pas de version {options['number']}.")
            data = version.snapshot
        text = dumps(data)
        if options["file"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["file"]).write_text(text, encoding="utf-8")
        actions = sum(len(o["actions"]) for axis in data["axes"] for o in axis["objectives"])
        self.stderr.write(
            f"« {data['title']} » exportée dans {options['file']} : {len(data['axes'])} axe(s), "
            f"{actions} action(s)."
        )
