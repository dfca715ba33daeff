from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stspd.accounts"

    def ready(self) -> None:
        from .processing import register_processings

        register_processings()
