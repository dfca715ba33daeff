import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crimestats.ssmsi import SsmsiFormatError
from stspd.observatory.importer import import_ssmsi

ROLLED_BACK = "Import annulé, la base de données n'a pas été modifiée."


class Command(BaseCommand):
    # The system checks import every view (and with them scipy and matplotlib): two seconds of
    # start-up for a command that uses none of them. `stspd check` and the server still run them.
    requires_system_checks: list[str] = []
    help = (
        "Importe un fichier SSMSI de la délinquance enregistrée (communes, départements ou "
        "régions ; csv, csv.gz ou parquet), depuis un chemin local ou une adresse http(s)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="FICHIER_OU_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="stspd-ssmsi-") as tmp:
            if urlparse(source).scheme in {"http", "https"}:
                path, name = self.download(source, Path(tmp))
            else:
                path, name = Path(source), None
            try:
                report = import_ssmsi(path, source_name=name, progress=self.stderr.write)
            except SsmsiFormatError as exc:
                raise CommandError(f"{ROLLED_BACK}\n{exc}") from exc
            except DatabaseError as exc:
                raise CommandError(f"{ROLLED_BACK}\nErreur de la base de données : {exc}") from exc
        self.stdout.write(f"{report}\nDurée : {time.perf_counter() - start:.1f} s.")

    def download(self, url: str, folder: Path) -> tuple[Path, str]:
        # The file name carries the edition (production date, COG year): keep the URL's.
        name = unquote(Path(urlparse(url).path).name) or "ssmsi.csv.gz"
        target = folder / name
        self.stderr.write(f"Téléchargement de {url}…")
        try:
            with urllib.request.urlopen(url, timeout=120) as response, target.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0)
                done, shown = 0, -1
                while block := response.read(1 << 20):
                    out.write(block)
                    done += len(block)
                    percent = 100 * done // total if total else -1
                    if percent >= 0 and percent // 10 != shown // 10:
                        shown = percent
                        self.stderr.write(f"Téléchargement : {percent} %")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise CommandError(f"Téléchargement impossible de {url} : {exc}") from exc
        return target, name
