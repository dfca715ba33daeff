from django.db import models


class IndicatorKind(models.TextChoices):
    """Context indicators describe the territory and never get a status; activity indicators
    count what an action did; result indicators say whether an objective is reached."""

    CONTEXT = "context", "Indicateur de contexte"
    ACTIVITY = "activity", "Indicateur d'activité"
    RESULT = "result", "Indicateur de résultat"


class Periodicity(models.TextChoices):
    MONTH = "month", "Mensuelle"
    QUARTER = "quarter", "Trimestrielle"
    YEAR = "year", "Annuelle"


class Direction(models.TextChoices):
    DECREASE = "decrease", "À la baisse"
    INCREASE = "increase", "À la hausse"
