from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "stspd.jobs"
    verbose_name = "travaux en arrière-plan"
