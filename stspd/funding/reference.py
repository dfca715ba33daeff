"""The funders a fiche action meets and the FIPD's programmes, as data the site admin edits
afterwards (docs/funding.md gives the sources). Loaded by the migration `0002_funders`; loaded
again, idempotently, by the demo and the tests (a transactional test empties every table)."""

from __future__ import annotations

from typing import Any

# code, name, strategy budget category
FUNDERS = [
    ("fipd", "FIPD (fonds interministériel de prévention de la délinquance)", "fipd"),
    ("politique-ville", "Politique de la ville (contrat de ville)", "state_other"),
    ("mildeca", "MILDECA (mission interministérielle de lutte contre les drogues)", "state_other"),
    ("pjj", "Protection judiciaire de la jeunesse", "state_other"),
    ("ars", "Agence régionale de santé", "state_other"),
    ("caf", "Caisse d'allocations familiales", "caf"),
    ("departement", "Conseil départemental", "departement"),
    ("region", "Région", "region"),
    ("ue", "Union européenne", "other"),
    ("commune", "Commune", "commune"),
    ("epci", "Intercommunalité", "epci"),
    ("bailleurs", "Bailleurs sociaux", "landlord"),
    ("autre", "Autre financeur", "other"),
]
# letter, kind, label (in force from 2020, the programmes' current lettering)
PROGRAMMES = [
    ("D", "intervention", "prévention de la délinquance"),
    ("R", "intervention", "prévention de la radicalisation"),
    ("S", "investment", "sécurisation des sites sensibles et des établissements scolaires"),
    ("K", "investment", "vidéoprotection"),
]
SOURCE = "Appels à projets FIPD des préfectures, 2020-2025"


def load_reference(funder_model: Any, programme_model: Any, label_model: Any) -> None:
    """Create what is missing; never overwrite what the site admin changed."""
    for position, (code, name, budget) in enumerate(FUNDERS, start=1):
        funder_model.objects.get_or_create(
            code=code, defaults={"name": name, "budget_funder": budget, "position": position}
        )
    fipd = funder_model.objects.get(code="fipd")
    for letter, kind, label in PROGRAMMES:
        programme, created = programme_model.objects.get_or_create(
            funder=fipd, letter=letter, defaults={"kind": kind}
        )
        if created:
            label_model.objects.create(
                programme=programme, valid_from=2020, label=label, source=SOURCE
            )


def ensure_reference() -> None:
    from .models import Funder, Programme, ProgrammeLabel

    load_reference(Funder, Programme, ProgrammeLabel)
