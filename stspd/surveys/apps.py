from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "stspd.surveys"
    verbose_name = "Enquêtes auprès des habitants"

    def ready(self) -> None:
        # The diagnostic (observatory, a room below) shows the surveys chosen for its sections.
        from stspd.observatory.diagnostic import register_embedder

        from .diagnostic import embeds_for

        register_embedder(embeds_for)
