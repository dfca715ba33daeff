from django.db import models


class MeasurementStatus(models.TextChoices):
    SUBMITTED = "submitted", "Transmise"
    VALIDATED = "validated", "Validée"
    RETURNED = "returned", "Renvoyée au pilote"
