from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "stspd.context"
    verbose_name = "indicateurs de contexte"
