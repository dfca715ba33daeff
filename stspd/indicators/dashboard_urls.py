"""The tableau de bord's routes, included in the strategy's namespace (strategy:dashboard...)."""

from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("strategies/<int:strategy_id>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path(
        "strategies/<int:strategy_id>/tableau-de-bord.pdf",
        views.dashboard_pdf,
        name="dashboard_pdf",
    ),
    path(
        "strategies/<int:strategy_id>/tableau-de-bord/reglages/",
        views.dashboard_settings,
        name="dashboard_settings",
    ),
    path(
        "strategies/<int:strategy_id>/tableau-de-bord/ordre-du-jour/",
        views.agenda,
        name="dashboard_agenda",
    ),
]
