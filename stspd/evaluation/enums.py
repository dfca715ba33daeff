from django.db import models


class Implementation(models.TextChoices):
    """Was the objective's or the action's plan carried out as planned?"""

    AS_PLANNED = "as_planned", "Oui, comme prévu"
    PARTLY = "partly", "En partie"
    NOT = "not", "Non"


class Recommendation(models.TextChoices):
    CONTINUE = "continue", "Poursuivre"
    ADJUST = "adjust", "Ajuster"
    STOP = "stop", "Arrêter"
