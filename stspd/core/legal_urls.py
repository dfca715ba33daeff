from django.urls import path

from . import legal_views

urlpatterns = [
    path("mentions-legales/", legal_views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal_views.personal_data, name="legal_personal_data"),
    path(
        "donnees-personnelles/registre.csv",
        legal_views.processing_register,
        {"extension": "csv"},
        name="legal_register_csv",
    ),
    path(
        "donnees-personnelles/registre.xlsx",
        legal_views.processing_register,
        {"extension": "xlsx"},
        name="legal_register_xlsx",
    ),
    path("accessibilite/", legal_views.accessibility, name="legal_accessibility"),
]
