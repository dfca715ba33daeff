from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("conseils/<int:council_id>/indicateurs/", views.library, name="library"),
    path(
        "conseils/<int:council_id>/indicateurs/nouveau/",
        views.definition_add,
        name="definition_add",
    ),
    path(
        "indicateurs/<int:definition_id>/modifier/", views.definition_edit, name="definition_edit"
    ),
]
