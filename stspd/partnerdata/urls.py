from django.urls import path

from . import map_views, views

app_name = "partnerdata"

urlpatterns = [
    path("conseils/<int:council_id>/donnees-partenaires/", views.source_list, name="sources"),
    path(
        "conseils/<int:council_id>/donnees-partenaires/sources/nouvelle/",
        views.source_create,
        name="source_create",
    ),
    path("conseils/<int:council_id>/donnees-partenaires/carte/", map_views.hotspot_map, name="map"),
    path(
        "donnees-partenaires/indicateurs/<int:indicator_id>/modifier/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path("donnees-partenaires/sources/<int:source_id>/", views.source_detail, name="source"),
    path(
        "donnees-partenaires/sources/<int:source_id>/modifier/",
        views.source_edit,
        name="source_edit",
    ),
    path(
        "donnees-partenaires/sources/<int:source_id>/deposer/",
        views.upload_create,
        name="upload_create",
    ),
    path("donnees-partenaires/depots/<int:upload_id>/", views.upload_detail, name="upload"),
    path(
        "donnees-partenaires/depots/<int:upload_id>/colonnes/",
        views.upload_columns,
        name="upload_columns",
    ),
    path(
        "donnees-partenaires/depots/<int:upload_id>/categories/",
        views.upload_categories,
        name="upload_categories",
    ),
    path(
        "donnees-partenaires/depots/<int:upload_id>/apercu/",
        views.upload_preview,
        name="upload_preview",
    ),
    path(
        "donnees-partenaires/depots/<int:upload_id>/supprimer/",
        views.upload_delete,
        name="upload_delete",
    ),
]
