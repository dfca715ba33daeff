from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("", views.search, name="search"),
    path("communes/<str:code>/", views.commune_detail, name="commune"),
    path("epci/<str:siren>/", views.epci_detail, name="epci"),
    path("departements/<str:code>/", views.departement_detail, name="departement"),
]
