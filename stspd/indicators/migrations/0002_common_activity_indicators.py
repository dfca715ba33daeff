from django.db import migrations

from stspd.indicators.common import COMMON_ACTIVITY_INDICATORS


def add_common(apps, schema_editor):  # type: ignore[no-untyped-def]
    definition = apps.get_model("indicators", "IndicatorDefinition")
    for name, unit in COMMON_ACTIVITY_INDICATORS:
        definition.objects.get_or_create(
            council=None,
            name=name,
            defaults={
                "kind": "activity",
                "unit": unit,
                "periodicity": "quarter",
                "direction": "increase",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(add_common, migrations.RunPython.noop)]
