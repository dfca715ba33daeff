from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "stspd.evaluation"
    verbose_name = "Évaluation"
