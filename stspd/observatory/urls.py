from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("<str:kind>/<str:key>/", views.territory, name="territory"),
    path("<str:kind>/<str:key>/csv/", views.figures_download, name="csv"),
    path("<str:kind>/<str:key>/<int:indicator_id>/", views.indicator, name="indicator"),
]
