from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "stspd.evaluation"
    verbose_name = "Évaluation"

    def ready(self) -> None:
        # The qualitative report of a grant (funding room) starts from the fiche's appraisal.
        from stspd.funding.prefill import register

        from .funding_prefill import appraisal_text

        register(appraisal_text)
