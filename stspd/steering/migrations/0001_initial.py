# The model moved from `indicators` to `steering`: only Django's state changes, the table
# `indicators_measurement` and its rows stay where they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('indicators', '0003_measurement'),
        ('strategy', '0003_strategy_status_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Measurement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_start', models.DateField(verbose_name='début de la période')),
                        ('state', models.CharField(choices=[('published', 'publiée'), ('zero', 'zéro publié'), ('suppressed', 'non diffusée (secret statistique)')], default='published', max_length=10, verbose_name='état')),
                        ('value', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True, verbose_name='valeur')),
                        ('comment', models.TextField(blank=True, verbose_name='commentaire')),
                        ('evidence', models.FileField(blank=True, upload_to='evidence/', verbose_name='justificatif')),
                        ('warning', models.TextField(blank=True, help_text='Pourquoi la valeur paraît inhabituelle (elle est enregistrée quand même).', verbose_name='alerte de vraisemblance')),
                        ('late', models.BooleanField(default=False, verbose_name='transmise en retard')),
                        ('status', models.CharField(choices=[('submitted', 'Transmise'), ('validated', 'Validée'), ('returned', 'Renvoyée au pilote')], default='submitted', max_length=9, verbose_name='suite donnée')),
                        ('submitted_at', models.DateTimeField(verbose_name='transmise le')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='examinée le')),
                        ('review_comment', models.TextField(blank=True, verbose_name='motif du renvoi')),
                        ('action_indicator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='measurements', to='strategy.actionindicator')),
                        ('objective_indicator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='measurements', to='strategy.objectiveindicator')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('submitted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'indicators_measurement',
                        'verbose_name': 'valeur renseignée',
                        'verbose_name_plural': 'valeurs renseignées',
                        'ordering': ['period_start', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('action_indicator__isnull', True), ('objective_indicator__isnull', False)), models.Q(('action_indicator__isnull', False), ('objective_indicator__isnull', True)), _connector='OR'), name='measurement_of_one_indicator'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'suppressed'), ('value__isnull', True)), models.Q(('state', 'zero'), ('value', 0)), models.Q(('state', 'published'), ('value__isnull', False)), _connector='OR'), name='measurement_value_matches_state', violation_error_message="Une valeur non communiquée n'a pas de nombre ; une valeur nulle vaut 0."), models.UniqueConstraint(condition=models.Q(('objective_indicator__isnull', False)), fields=('objective_indicator', 'period_start'), name='one_measurement_per_objective_indicator_period', violation_error_message='Une valeur existe déjà pour cette période.'), models.UniqueConstraint(condition=models.Q(('action_indicator__isnull', False)), fields=('action_indicator', 'period_start'), name='one_measurement_per_action_indicator_period', violation_error_message='Une valeur existe déjà pour cette période.')],
                    },
                ),
            ],
        ),
    ]
