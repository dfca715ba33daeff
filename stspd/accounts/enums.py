from django.db import models


class OrganisationKind(models.TextChoices):
    MAIRIE = "mairie", "Mairie"
    EPCI = "epci", "EPCI (intercommunalité)"
    PREFECTURE = "prefecture", "Préfecture"
    PARQUET = "parquet", "Parquet"
    EDUCATION = "education", "Éducation nationale"
    DEPARTEMENT = "departement", "Conseil départemental"
    POLICE_NATIONALE = "police_nationale", "Police nationale"
    GENDARMERIE = "gendarmerie", "Gendarmerie nationale"
    POLICE_MUNICIPALE = "police_municipale", "Police municipale"
    BAILLEUR = "bailleur", "Bailleur social"
    TRANSPORT = "transport", "Transport"
    ASSOCIATION = "association", "Association"
    OTHER = "other", "Autre"


class AccountMailKind(models.TextChoices):
    PASSWORD_RESET = "password_reset", "nouveau mot de passe"
    UNLOCK = "unlock", "déblocage de la connexion"
