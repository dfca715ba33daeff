"""The evaluation's pages: an objective's evaluation and appraisals, the funds, the reports."""

from django.urls import path

from . import document_views, views

app_name = "evaluation"

urlpatterns = [
    path(
        "objectifs/<int:objective_id>/evaluation/",
        views.objective_evaluation,
        name="objective",
    ),
    path(
        "objectifs/<int:objective_id>/evaluation/appreciation/",
        views.objective_appraisal_add,
        name="objective_appraisal_add",
    ),
    path(
        "fiches-action/<int:action_id>/appreciation/",
        views.action_appraisal_add,
        name="action_appraisal_add",
    ),
    path("appreciations/<int:appraisal_id>/modifier/", views.appraisal_edit, name="appraisal_edit"),
    path(
        "appreciations/<int:appraisal_id>/valider/",
        views.appraisal_validate,
        name="appraisal_validate",
    ),
    path(
        "indicateurs-objectif/<int:use_id>/debut-intervention/",
        views.intervention_start,
        name="intervention_start",
    ),
    path("strategies/<int:strategy_id>/financements/", document_views.funds, name="funds"),
    path(
        "strategies/<int:strategy_id>/financements/<str:funder>.xlsx",
        document_views.funds_xlsx,
        name="funds_xlsx",
    ),
    path(
        "strategies/<int:strategy_id>/financements/<str:funder>.csv",
        document_views.funds_csv,
        name="funds_csv",
    ),
    path("strategies/<int:strategy_id>/evaluation/", document_views.reports, name="reports"),
    path(
        "strategies/<int:strategy_id>/evaluation/synthese/",
        document_views.summary,
        name="summary",
    ),
    path(
        "strategies/<int:strategy_id>/bilan-<int:year>.pdf",
        document_views.annual_pdf,
        name="annual_pdf",
    ),
    path(
        "strategies/<int:strategy_id>/bilan-<int:year>/publier/",
        document_views.publish,
        name="publish_annual",
    ),
    path(
        "strategies/<int:strategy_id>/bilan-<int:year>/retirer/",
        document_views.withdraw,
        name="withdraw_annual",
    ),
    path(
        "strategies/<int:strategy_id>/bilan-<int:year>.docx",
        document_views.annual_docx,
        name="annual_docx",
    ),
    path(
        "strategies/<int:strategy_id>/evaluation-finale.pdf",
        document_views.final_pdf,
        name="final_pdf",
    ),
    path(
        "strategies/<int:strategy_id>/evaluation-finale.docx",
        document_views.final_docx,
        name="final_docx",
    ),
    path(
        "fiches-action/<int:action_id>/fiche-evaluation.pdf",
        document_views.action_sheet,
        name="action_sheet",
    ),
]
