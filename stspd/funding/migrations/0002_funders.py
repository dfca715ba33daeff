"""The funders a fiche action meets and the FIPD's programmes, as data the site admin edits
afterwards (docs/funding.md gives the sources)."""

from django.db import migrations

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


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Funder = apps.get_model("funding", "Funder")
    Programme = apps.get_model("funding", "Programme")
    ProgrammeLabel = apps.get_model("funding", "ProgrammeLabel")
    for position, (code, name, budget) in enumerate(FUNDERS, start=1):
        Funder.objects.update_or_create(
            code=code, defaults={"name": name, "budget_funder": budget, "position": position}
        )
    fipd = Funder.objects.get(code="fipd")
    for letter, kind, label in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            funder=fipd, letter=letter, defaults={"kind": kind}
        )
        ProgrammeLabel.objects.get_or_create(
            programme=programme,
            valid_from=2020,
            defaults={"label": label, "source": "Appels à projets FIPD des préfectures, 2020-2025"},
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
