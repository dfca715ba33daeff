from typing import Any

from django.core.management.base import BaseCommand

from stspd.core.cache import bump
from stspd.demo.context import load_demo_context
from stspd.demo.councils import DEMO_LOGINS, DEMO_PASSWORD, build_demo, demo_exists
from stspd.demo.evaluation import build_evaluation_demo
from stspd.demo.funding import build_funding_demo
from stspd.demo.obligations import build_obligations_demo
from stspd.demo.observatory import load_demo_statistics
from stspd.demo.partnerdata import build_partner_demo
from stspd.demo.reporting import build_reporting_demo
from stspd.demo.strategy import build_strategy_demo
from stspd.demo.surveys import build_survey_demo
from stspd.territories.importer import import_cog
from stspd.territories.models import Commune, CommuneShape
from stspd.territories.shapes import import_shapes


class Command(BaseCommand):
    help = (
        "Construit le territoire de démonstration (une seule fois) : référentiel des communes, "
        "contours de la Seine-Maritime, statistiques SSMSI réelles, conseils ; affiche les comptes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Commune.objects.exists():
            self.stdout.write(str(import_cog()))
        if not CommuneShape.objects.exists():
            self.stdout.write(str(import_shapes()))
        for report in load_demo_statistics():
            self.stdout.write(str(report))
        for context_report in load_demo_context():
            self.stdout.write(str(context_report))
        if demo_exists():
            self.stdout.write("Démonstration déjà en place.")
        else:
            build_demo()
            self.stdout.write("Démonstration construite.")
        self.stdout.write(build_partner_demo())
        if build_strategy_demo() is not None:
            self.stdout.write(
                "Stratégie de démonstration construite (adoptée, signée, en vigueur)."
            )
        build_reporting_demo()
        self.stdout.write(build_evaluation_demo())
        self.stdout.write(build_funding_demo())
        self.stdout.write(build_survey_demo())
        self.stdout.write(build_obligations_demo())
        bump()  # the demo writes rows without events: pages cached before are not its own
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<34} {login.role}")
