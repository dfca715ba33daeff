from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "stspd.councils"

    def ready(self) -> None:
        from .processing import register_processings

        register_processings()
