from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "stspd.demo"
    verbose_name = "Démonstration"
