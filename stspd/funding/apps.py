from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "stspd.funding"
    verbose_name = "Financements publics (FIPD)"
