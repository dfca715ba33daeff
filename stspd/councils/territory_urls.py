"""The territories' pages (search, commune, EPCI, département), with the council that covers each:
they read councils, so they live here; the reference itself stays in `territories`."""

from django.urls import path

from . import territory_views as views

app_name = "territories"

urlpatterns = [
    path("", views.search, name="search"),
    path("communes/<str:code>/", views.commune_detail, name="commune"),
    path("epci/<str:siren>/", views.epci_detail, name="epci"),
    path("departements/<str:code>/", views.departement_detail, name="departement"),
]
