"""The strategy's documents (page, PDF, Word, JSON) and the action plan's spreadsheet round trip."""

from django.urls import path

from . import document_views as views

urlpatterns = [
    path("strategies/<int:strategy_id>/document/", views.document, name="document"),
    path("strategies/<int:strategy_id>/document.pdf", views.document_pdf, name="document_pdf"),
    path("strategies/<int:strategy_id>/document.docx", views.document_docx, name="document_docx"),
    path("strategies/<int:strategy_id>/strategie.json", views.document_json, name="document_json"),
    path("strategies/<int:strategy_id>/plan-action.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path(
        "strategies/<int:strategy_id>/plan-action/importer/",
        views.plan_import,
        name="plan_import",
    ),
    path(
        "strategies/<int:strategy_id>/plan-action/importer/<int:import_id>/",
        views.plan_import_detail,
        name="plan_import_detail",
    ),
    path(
        "strategies/<int:strategy_id>/plan-action/importer/<int:import_id>/annuler/",
        views.plan_import_undo,
        name="plan_import_undo",
    ),
]
