"""Reporting's routes, included in the indicators' namespace (indicators:report...)."""

from django.urls import path

from . import reporting_views as views

urlpatterns = [
    path("conseils/<int:council_id>/mes-indicateurs/", views.my_reporting, name="my_reporting"),
    path("indicateurs/<str:kind>/<int:use_id>/renseigner/", views.report, name="report"),
    path("strategies/<int:strategy_id>/valeurs/", views.values, name="values"),
    path("valeurs/<int:measurement_id>/", views.measurement, name="measurement"),
    path("valeurs/<int:measurement_id>/justificatif/", views.evidence, name="evidence"),
]
