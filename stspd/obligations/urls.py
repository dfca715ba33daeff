from django.urls import path

from . import views

app_name = "obligations"

urlpatterns = [
    path("conseils/<int:council_id>/obligations/", views.council_obligations, name="council"),
    path("conseils/<int:council_id>/obligations/points/ajouter/", views.item_add, name="item_add"),
    path("obligations/points/<int:item_id>/supprimer/", views.item_delete, name="item_delete"),
    path("conseils/<int:council_id>/conventions/", views.agreements, name="agreements"),
    path(
        "conseils/<int:council_id>/conventions/ajouter/",
        views.agreement_add,
        name="agreement_add",
    ),
    path("conventions/<int:agreement_id>/modifier/", views.agreement_edit, name="agreement_edit"),
    path(
        "conseils/<int:council_id>/rapport-annuel/<int:year>/",
        views.yearly_return,
        name="yearly_return",
    ),
    path(
        "conseils/<int:council_id>/rapport-annuel/<int:year>.pdf",
        views.yearly_return_pdf,
        name="yearly_return_pdf",
    ),
    path(
        "conseils/<int:council_id>/rapport-annuel/<int:year>.xlsx",
        views.yearly_return_xlsx,
        name="yearly_return_xlsx",
    ),
    path("conseils/<int:council_id>/strategie-nationale/", views.coverage, name="coverage"),
    path("fiches/<int:action_id>/axes-nationaux/", views.national_axes, name="national_axes"),
    path("etat/departements/<str:code>/", views.departement, name="departement"),
    path("etat/departements/<str:code>/plan/", views.plan, name="plan"),
    path("etat/national/", views.national, name="national"),
]
