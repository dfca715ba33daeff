from django.urls import path

from . import diagnostic_views, views

app_name = "observatory"

urlpatterns = [
    path("diagnostic/<int:council_id>/", diagnostic_views.diagnostic, name="diagnostic"),
    path(
        "diagnostic/<int:council_id>/pdf/", diagnostic_views.diagnostic_pdf, name="diagnostic_pdf"
    ),
    path(
        "diagnostic/<int:council_id>/sections/nouvelle/",
        diagnostic_views.section_add,
        name="section_add",
    ),
    path("sections/<int:section_id>/", diagnostic_views.section_edit, name="section_edit"),
    path(
        "sections/<int:section_id>/supprimer/",
        diagnostic_views.section_delete,
        name="section_delete",
    ),
    path("<str:kind>/<str:key>/", views.territory, name="territory"),
    path("<str:kind>/<str:key>/csv/", views.figures_download, name="csv"),
    path("<str:kind>/<str:key>/<int:indicator_id>/", views.indicator, name="indicator"),
]
