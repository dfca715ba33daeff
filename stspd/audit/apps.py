from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "stspd.audit"

    def ready(self) -> None:
        from .processing import register_processings

        register_processings()
