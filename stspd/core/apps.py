from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stspd.core"
    verbose_name = "Exploitation"
