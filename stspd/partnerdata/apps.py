from django.apps import AppConfig


class PartnerdataConfig(AppConfig):
    name = "stspd.partnerdata"
    verbose_name = "données des partenaires"

    def ready(self) -> None:
        from .processing import register_processings

        register_processings()
