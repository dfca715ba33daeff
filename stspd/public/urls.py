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
    # The funds of the current strategy (in force, else the last one).
    path("<int:council_id>/financements/", views.funds, name="funds"),
    path("<int:council_id>/financements.csv", views.funds_csv, name="funds_csv"),
    path("<int:council_id>/financements.json", views.funds_json, name="funds_json"),
    # One strategy at its stable address: never moved by the adoption of another one.
    path("<int:council_id>/strategies/<int:strategy_id>/", views.strategy_page, name="archive"),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/strategie.pdf",
        views.archive_pdf,
        name="archive_pdf",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/bilan-<int:year>.pdf",
        views.archive_report,
        name="archive_report",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/strategie.csv",
        views.archive_strategy_csv,
        name="archive_strategy_csv",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/strategie.json",
        views.archive_strategy_json,
        name="archive_strategy_json",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/indicateurs.csv",
        views.archive_indicators_csv,
        name="archive_indicators_csv",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/indicateurs.json",
        views.archive_indicators_json,
        name="archive_indicators_json",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/financements/",
        views.archive_funds,
        name="archive_funds",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/financements.csv",
        views.archive_funds_csv,
        name="archive_funds_csv",
    ),
    path(
        "<int:council_id>/strategies/<int:strategy_id>/financements.json",
        views.archive_funds_json,
        name="archive_funds_json",
    ),
    # Every strategy the council adopted, in one file.
    path("<int:council_id>/strategies.csv", views.all_strategies_csv, name="all_strategies_csv"),
    path("<int:council_id>/strategies.json", views.all_strategies_json, name="all_strategies_json"),
    path(
        "<int:council_id>/indicateurs-toutes-strategies.csv",
        views.all_indicators_csv,
        name="all_indicators_csv",
    ),
    path(
        "<int:council_id>/indicateurs-toutes-strategies.json",
        views.all_indicators_json,
        name="all_indicators_json",
    ),
]
