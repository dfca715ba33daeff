from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "stspd.home"
    verbose_name = "Accueil"
