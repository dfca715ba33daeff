from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "stspd.territories"
