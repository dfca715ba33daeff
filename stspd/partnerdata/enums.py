from django.db import models


class SourceKind(models.TextChoices):
    POLICE_LOGBOOK = "police_logbook", "Main courante de la police municipale"
    LANDLORD = "landlord", "Incidents signalés par un bailleur"
    TRANSPORT = "transport", "Incidents dans les transports"
    SCHOOL = "school", "Climat scolaire (incidents en établissement)"
    MEDIATION = "mediation", "Activité de médiation"
    OTHER = "other", "Autre"


class UploadState(models.TextChoices):
    STAGED = "staged", "À vérifier avant import"
    IMPORTED = "imported", "Importé"
