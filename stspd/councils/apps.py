from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "stspd.councils"
