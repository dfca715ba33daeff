"""The funders a fiche action meets and the FIPD's programmes (stspd/funding/reference.py)."""

from django.db import migrations

from stspd.funding.reference import load_reference


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    load_reference(
        apps.get_model("funding", "Funder"),
        apps.get_model("funding", "Programme"),
        apps.get_model("funding", "ProgrammeLabel"),
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
