from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "stspd.strategy"
    verbose_name = "Stratégie territoriale"
