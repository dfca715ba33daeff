from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "stspd.surveys"
    verbose_name = "Enquêtes auprès des habitants"
