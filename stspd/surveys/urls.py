"""The surveys' pages: the council's (under /enquetes/) and the residents' link (/e/<token>/)."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("conseils/<int:council_id>/enquetes/", views.survey_list, name="list"),
    path("conseils/<int:council_id>/enquetes/nouvelle/", views.survey_create, name="create"),
    path("enquetes/<int:survey_id>/", views.survey_detail, name="detail"),
    path("enquetes/<int:survey_id>/modifier/", views.survey_edit, name="edit"),
    path("enquetes/<int:survey_id>/questions/nouvelle/", views.question_add, name="question_add"),
    path("enquetes/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(
        "enquetes/questions/<int:question_id>/retirer/",
        views.question_delete,
        name="question_delete",
    ),
    path("enquetes/questions/<int:question_id>/marge/", views.margin_edit, name="margin"),
    path("enquetes/<int:survey_id>/ouvrir/", views.survey_open, name="open"),
    path("enquetes/<int:survey_id>/clore/", views.survey_close, name="close"),
    path("enquetes/<int:survey_id>/codes/", views.codes, name="codes"),
    path("enquetes/<int:survey_id>/saisie-papier/", views.paper_entry, name="paper"),
    path("enquetes/<int:survey_id>/import/", views.import_responses, name="import"),
    path("enquetes/<int:survey_id>/ponderation/", views.weighting, name="weighting"),
    path("enquetes/<int:survey_id>/resultats/", views.results, name="results"),
    path("enquetes/<int:survey_id>/comparer/<int:other_id>/", views.compare, name="compare"),
    path("enquetes/<int:survey_id>/resultats.csv", views.results_csv, name="results_csv"),
    path("enquetes/<int:survey_id>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("enquetes/<int:survey_id>/publier/", views.publish, name="publish"),
    path("enquetes/<int:survey_id>/depublier/", views.unpublish, name="unpublish"),
    path("enquetes/<int:survey_id>/diagnostic/", views.diagnostic_embed, name="diagnostic"),
    path("public/enquetes/<int:survey_id>/", views.summary, name="public_summary"),
    path("e/<str:token>/", views.answer, name="answer"),
    path("e/<str:token>/merci/", views.thanks, name="thanks"),
]
