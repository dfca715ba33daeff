"""Steering's pages: the tableau de bord and the reporting of values (namespace `steering`).

The URLs are those the pages had when they lived in `strategy` and `indicators`: bookmarks and
e-mailed links keep working.
"""

from django.urls import path

from . import dashboard_views, mandate_views, reporting_views, survey_views

app_name = "steering"

urlpatterns = [
    path(
        "strategies/<int:strategy_id>/tableau-de-bord/",
        dashboard_views.dashboard,
        name="dashboard",
    ),
    path(
        "strategies/<int:strategy_id>/tableau-de-bord.pdf",
        dashboard_views.dashboard_pdf,
        name="dashboard_pdf",
    ),
    path(
        "strategies/<int:strategy_id>/tableau-de-bord/reglages/",
        dashboard_views.dashboard_settings,
        name="dashboard_settings",
    ),
    path(
        "strategies/<int:strategy_id>/tableau-de-bord/ordre-du-jour/",
        dashboard_views.agenda,
        name="dashboard_agenda",
    ),
    path(
        "strategies/<int:strategy_id>/nouveau-mandat/",
        mandate_views.new_mandate,
        name="new_mandate",
    ),
    path(
        "conseils/<int:council_id>/indicateurs/enquetes/nouveau/",
        survey_views.survey_indicator_add,
        name="survey_indicator_add",
    ),
    path(
        "conseils/<int:council_id>/mes-indicateurs/",
        reporting_views.my_reporting,
        name="my_reporting",
    ),
    path("indicateurs/<str:kind>/<int:use_id>/renseigner/", reporting_views.report, name="report"),
    path("strategies/<int:strategy_id>/valeurs/", reporting_views.values, name="values"),
    path("valeurs/<int:measurement_id>/", reporting_views.measurement, name="measurement"),
    path(
        "valeurs/<int:measurement_id>/justificatif/",
        reporting_views.evidence,
        name="evidence",
    ),
]
