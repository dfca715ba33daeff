from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "stspd.observatory"
    verbose_name = "observatoire"
