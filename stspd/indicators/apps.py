from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "stspd.indicators"
    verbose_name = "Indicateurs"
