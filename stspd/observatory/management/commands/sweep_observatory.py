import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import Client

from stspd.accounts.models import User
from stspd.councils.enums import Role
from stspd.councils.models import Council, CouncilRole
from stspd.observatory.sweep import communes_of, epcis_of, sweep, territory_urls


def served_host() -> str:
    """A host name the settings accept (in production, ALLOWED_HOSTS has no "testserver")."""
    named = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    return "testserver" if "testserver" in named or not named else named[0]


class Rollback(Exception):
    """Leaves the database as it was: the sweep's visitor account is never kept."""


class Command(BaseCommand):
    help = (
        "Ouvre chaque page de l'observatoire (commune, EPCI, conseil, pages d'indicateur, "
        "téléchargements CSV) des territoires donnés ; échoue sur toute erreur ou tout texte "
        "étranger à une page française."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--departement",
            action="append",
            default=[],
            help="code d'un département dont parcourir les communes et EPCI (répétable)",
        )
        parser.add_argument(
            "--echantillon",
            type=int,
            default=0,
            help="ne parcourir qu'un échantillon de N communes (tirées avec une graine fixe)",
        )
        parser.add_argument("--sans-epci", action="store_true", help="ne pas parcourir les EPCI")
        parser.add_argument(
            "--conseils", action="store_true", help="parcourir aussi la page de chaque conseil"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["departement"]:
            raise CommandError("Donnez au moins un département : --departement 76")
        communes = communes_of(options["departement"])
        if options["echantillon"]:
            communes = sorted(
                random.Random(0).sample(communes, min(options["echantillon"], len(communes)))
            )
        epcis = [] if options["sans_epci"] else epcis_of(options["departement"])
        failures = 0
        try:
            with transaction.atomic():
                visitor = User.objects.create_user(
                    email="balayage@stspd.invalid", password=None, first_name="Balayage"
                )
                councils = (
                    list(
                        Council.objects.filter(approved_at__isnull=False).values_list(
                            "pk", flat=True
                        )
                    )
                    if options["conseils"]
                    else []
                )
                CouncilRole.objects.bulk_create(
                    CouncilRole(council_id=pk, user=visitor, role=Role.READER) for pk in councils
                )
                client = Client(raise_request_exception=False, SERVER_NAME=served_host())
                client.force_login(visitor)
                total = len(communes) + len(epcis) + len(councils)
                report = sweep(
                    client,
                    territory_urls(communes, epcis, councils),
                    progress=lambda done: self.stderr.write(f"\r{done}/{total}", ending=""),
                )
                self.stderr.write("")
                self.stdout.write(str(report))
                failures = len(report.failures)
                raise Rollback
        except Rollback:
            pass
        if failures:
            raise CommandError(f"{failures} page(s) en échec.")
