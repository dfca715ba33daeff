# Measurement now belongs to `steering` (steering.0001 takes it over in Django's state); the
# table and its rows are not touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_measurement'),
        ('steering', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='Measurement')],
        ),
    ]
