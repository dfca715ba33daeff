from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "stspd.steering"
    verbose_name = "Pilotage"
