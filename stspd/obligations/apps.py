from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "stspd.obligations"
    verbose_name = "Obligations des conseils et vues de l'État"
