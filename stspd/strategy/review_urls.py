"""The review and adoption room: allers-retours, remarks, version comparison, adoption steps."""

from django.urls import path

from . import adoption_views, review_views

urlpatterns = [
    path("strategies/<int:strategy_id>/allers-retours/", review_views.reviews, name="reviews"),
    path(
        "strategies/<int:strategy_id>/allers-retours/nouveau/",
        review_views.review_open,
        name="review_open",
    ),
    path("allers-retours/<int:round_id>/", review_views.review_detail, name="review"),
    path("allers-retours/<int:round_id>/remarque/", review_views.remark_add, name="remark_add"),
    path("allers-retours/<int:round_id>/cloturer/", review_views.review_close, name="review_close"),
    path("remarques/<int:remark_id>/decision/", review_views.remark_decide, name="remark_decide"),
    path(
        "strategies/<int:strategy_id>/versions/comparer/",
        review_views.compare_versions,
        name="compare",
    ),
    path("strategies/<int:strategy_id>/adoption/", adoption_views.adoption_page, name="adoption"),
    path(
        "strategies/<int:strategy_id>/adoption/signatures/ajouter/",
        adoption_views.signature_add,
        name="signature_add",
    ),
    path(
        "strategies/<int:strategy_id>/adoption/<str:move>/",
        adoption_views.adoption_move,
        name="adoption_move",
    ),
    path(
        "deliberations/<int:deliberation_id>/pdf/",
        adoption_views.deliberation_document,
        name="deliberation_document",
    ),
]
