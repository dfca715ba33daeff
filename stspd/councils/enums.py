from django.db import models


class CouncilKind(models.TextChoices):
    CLSPD = "clspd", "CLSPD (commune)"
    CISPD = "cispd", "CISPD (intercommunalité)"


class Role(models.TextChoices):
    """What a person may do in a council. Site admins (superusers) are outside this list."""

    COORDINATOR = "coordinator", "Coordinateur ou coordinatrice"
    PARTNER = "partner", "Partenaire"
    READER = "reader", "Lecteur ou lectrice"


class MemberBasis(models.TextChoices):
    BY_RIGHT = "by_right", "Membre de droit"
    DESIGNATED = "designated", "Membre désigné par le président"


class FormationKind(models.TextChoices):
    PLENARY = "plenary", "Formation plénière"
    RESTRICTED = "restricted", "Formation restreinte"
    WORKING_GROUP = "working_group", "Groupe de travail"


class WorkingGroupScope(models.TextChoices):
    THEMATIC = "thematic", "Thématique"
    TERRITORIAL = "territorial", "Territorial"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Présent"
    EXCUSED = "excused", "Excusé"
    ABSENT = "absent", "Absent"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "À faire"
    DONE = "done", "Réalisée"
    DROPPED = "dropped", "Abandonnée"
