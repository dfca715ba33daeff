from django.urls import path

from . import meeting_views, views

app_name = "councils"

urlpatterns = [
    path("conseils/nouveau/", views.council_create, name="create"),
    path("conseils/<int:council_id>/", views.council_detail, name="detail"),
    path("conseils/<int:council_id>/modifier/", views.council_edit, name="edit"),
    path("conseils/<int:council_id>/validation/", views.council_approval, name="approval"),
    path("conseils/<int:council_id>/journal/", views.council_events, name="events"),
    path("conseils/<int:council_id>/journal.csv", views.council_events_csv, name="events_csv"),
    path("conseils/<int:council_id>/decisions/", views.decisions, name="decisions"),
    path("conseils/<int:council_id>/membres/ajouter/", views.member_add, name="member_add"),
    path("membres/<int:member_id>/modifier/", views.member_edit, name="member_edit"),
    path("membres/<int:member_id>/supprimer/", views.member_delete, name="member_delete"),
    path(
        "conseils/<int:council_id>/organisations/nouvelle/",
        views.organisation_add,
        name="organisation_add",
    ),
    path("conseils/<int:council_id>/roles/ajouter/", views.role_add, name="role_add"),
    path("roles/<int:role_id>/supprimer/", views.role_delete, name="role_delete"),
    path(
        "conseils/<int:council_id>/groupes/nouveau/",
        views.working_group_add,
        name="working_group_add",
    ),
    path("formations/<int:formation_id>/", views.formation_detail, name="formation"),
    path("formations/<int:formation_id>/modifier/", views.formation_edit, name="formation_edit"),
    path(
        "formations/<int:formation_id>/supprimer/",
        views.formation_delete,
        name="formation_delete",
    ),
    path(
        "formations/<int:formation_id>/membres/ajouter/",
        views.formation_member_add,
        name="formation_member_add",
    ),
    path(
        "sieges/<int:seat_id>/supprimer/",
        views.formation_member_delete,
        name="formation_member_delete",
    ),
    path("formations/<int:formation_id>/charte/", views.charter, name="charter"),
    path(
        "formations/<int:formation_id>/seances/nouvelle/",
        meeting_views.meeting_add,
        name="meeting_add",
    ),
    path("seances/<int:meeting_id>/", meeting_views.meeting_detail, name="meeting"),
    path("seances/<int:meeting_id>/modifier/", meeting_views.meeting_edit, name="meeting_edit"),
    path(
        "seances/<int:meeting_id>/supprimer/", meeting_views.meeting_delete, name="meeting_delete"
    ),
    path("seances/<int:meeting_id>/presences/", meeting_views.attendance, name="attendance"),
    path(
        "seances/<int:meeting_id>/membres/",
        meeting_views.member_attendance,
        name="member_attendance",
    ),
    path("seances/<int:meeting_id>/convoquer/", meeting_views.convene, name="convene"),
    path(
        "seances/<int:meeting_id>/documents/ajouter/",
        meeting_views.document_add,
        name="meeting_document_add",
    ),
    path(
        "documents-de-seance/<int:document_id>/",
        meeting_views.document_download,
        name="meeting_document",
    ),
    path(
        "documents-de-seance/<int:document_id>/supprimer/",
        meeting_views.document_delete,
        name="meeting_document_delete",
    ),
    path(
        "seances/<int:meeting_id>/decisions/ajouter/",
        meeting_views.decision_add,
        name="decision_add",
    ),
    path(
        "seances/<int:meeting_id>/compte-rendu/approuver/",
        meeting_views.minutes_approve,
        name="minutes_approve",
    ),
    path(
        "seances/<int:meeting_id>/compte-rendu/diffuser/",
        meeting_views.minutes_circulate,
        name="minutes_circulate",
    ),
    path(
        "decisions/<int:decision_id>/modifier/", meeting_views.decision_edit, name="decision_edit"
    ),
    path(
        "decisions/<int:decision_id>/supprimer/",
        meeting_views.decision_delete,
        name="decision_delete",
    ),
    path(
        "membres/<int:member_id>/representants/ajouter/",
        meeting_views.representative_add,
        name="representative_add",
    ),
    path(
        "representants/<int:representative_id>/modifier/",
        meeting_views.representative_edit,
        name="representative_edit",
    ),
    path(
        "representants/<int:representative_id>/supprimer/",
        meeting_views.representative_delete,
        name="representative_delete",
    ),
    # Reached without an account, through the secret link of a convocation or a calendar.
    path("convocation/<str:token>/", meeting_views.convocation, name="convocation"),
    path(
        "convocation/<str:token>/seance.ics",
        meeting_views.convocation_ics,
        name="convocation_ics",
    ),
    path(
        "convocation/<str:token>/documents/<int:document_id>/",
        meeting_views.convocation_document,
        name="convocation_document",
    ),
    path("mon-agenda/", meeting_views.my_calendar, name="my_calendar"),
    path("agenda/<str:token>.ics", meeting_views.calendar_feed, name="calendar_feed"),
]
