"""The editing room: a council's strategies, a strategy's tree, its forms and readiness check."""

from django.urls import path

from . import views

urlpatterns = [
    path("conseils/<int:council_id>/strategies/", views.strategy_list, name="list"),
    path("conseils/<int:council_id>/strategies/nouvelle/", views.strategy_create, name="create"),
    path("strategies/<int:strategy_id>/", views.strategy_detail, name="detail"),
    path("strategies/<int:strategy_id>/modifier/", views.strategy_edit, name="edit"),
    path("strategies/<int:strategy_id>/preparation/", views.readiness, name="readiness"),
    path("strategies/<int:strategy_id>/axes/nouveau/", views.axis_add, name="axis_add"),
    path("deplacer/<str:kind>/<int:element_id>/", views.move, name="move"),
    path("axes/<int:axis_id>/modifier/", views.axis_edit, name="axis_edit"),
    path("axes/<int:axis_id>/supprimer/", views.axis_delete, name="axis_delete"),
    path("axes/<int:axis_id>/objectifs/nouveau/", views.objective_add, name="objective_add"),
    path("objectifs/<int:objective_id>/", views.objective_detail, name="objective"),
    path("objectifs/<int:objective_id>/modifier/", views.objective_edit, name="objective_edit"),
    path(
        "objectifs/<int:objective_id>/supprimer/", views.objective_delete, name="objective_delete"
    ),
    path(
        "objectifs/<int:objective_id>/indicateurs/nouveau/",
        views.objective_indicator_add,
        name="objective_indicator_add",
    ),
    path(
        "indicateurs-objectif/<int:use_id>/modifier/",
        views.objective_indicator_edit,
        name="objective_indicator_edit",
    ),
    path(
        "indicateurs-objectif/<int:use_id>/supprimer/",
        views.objective_indicator_delete,
        name="objective_indicator_delete",
    ),
    path(
        "objectifs/<int:objective_id>/fiches-action/nouvelle/",
        views.action_add,
        name="action_add",
    ),
    path("fiches-action/<int:action_id>/", views.action_detail, name="action"),
    path("fiches-action/<int:action_id>/modifier/", views.action_edit, name="action_edit"),
    path("fiches-action/<int:action_id>/supprimer/", views.action_delete, name="action_delete"),
    path("fiches-action/<int:action_id>/<str:kind>/ajouter/", views.item_add, name="item_add"),
    path("fiches-action/<str:kind>/<int:item_id>/modifier/", views.item_edit, name="item_edit"),
    path(
        "fiches-action/<str:kind>/<int:item_id>/supprimer/", views.item_delete, name="item_delete"
    ),
]
