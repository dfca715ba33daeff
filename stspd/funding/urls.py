"""The funding cycle's pages: calls, applications, opinions, grants, payments, reports."""

from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("conseils/<int:council_id>/financements/", views.calls, name="calls"),
    path("conseils/<int:council_id>/appels/<int:call_id>/", views.call, name="call"),
    path("conseils/<int:council_id>/appels/<int:call_id>/avis/", views.opinions, name="opinions"),
    path(
        "conseils/<int:council_id>/appels/<int:call_id>/avis.pdf",
        views.opinions_pdf,
        name="opinions_pdf",
    ),
    path(
        "conseils/<int:council_id>/appels/<int:call_id>/avis.xlsx",
        views.opinions_xlsx,
        name="opinions_xlsx",
    ),
    path(
        "fiches/<int:action_id>/demande/<int:call_id>/",
        views.application_add,
        name="application_add",
    ),
    path("demandes/<int:application_id>/", views.application, name="application"),
    path(
        "demandes/<int:application_id>/modifier/", views.application_edit, name="application_edit"
    ),
    path(
        "demandes/<int:application_id>/cofinancement/",
        views.co_funding_add,
        name="co_funding_add",
    ),
    path(
        "demandes/<int:application_id>/dossier.pdf", views.application_pdf, name="application_pdf"
    ),
    path(
        "demandes/<int:application_id>/dossier.xlsx",
        views.application_xlsx,
        name="application_xlsx",
    ),
    path("demandes/<int:application_id>/subvention/", views.grant_add, name="grant_add"),
    path("subventions/<int:grant_id>/versement/", views.payment_add, name="payment_add"),
    path("demandes/<int:application_id>/compte-rendu/", views.report_add, name="report_add"),
]
