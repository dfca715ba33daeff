from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue.jsonld", views.catalogue, name="catalogue"),
    path("<int:council_id>/", views.council, name="council"),
    path("<int:council_id>/strategie.pdf", views.strategy_pdf, name="strategy_pdf"),
    path("<int:council_id>/bilan-<int:year>.pdf", views.annual_report, name="annual_report"),
    path("<int:council_id>/strategie.csv", views.strategy_csv, name="strategy_csv"),
    path("<int:council_id>/strategie.json", views.strategy_json, name="strategy_json"),
    path("<int:council_id>/indicateurs.csv", views.indicators_csv, name="indicators_csv"),
    path("<int:council_id>/indicateurs.json", views.indicators_json, name="indicators_json"),
]
