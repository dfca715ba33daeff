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
    PRESENT = "present", "Présence"
    EXCUSED = "excused", "Absence excusée"
    ABSENT = "absent", "Absence"


class MemberPresence(models.TextChoices):
    """How a member organisation took part in a meeting. The labels are nouns, so that they
    agree with any person and any organisation ("Préfecture : excusée" would not)."""

    PRESENT = "present", "Présence"
    REPRESENTED = "represented", "Représentation"
    EXCUSED = "excused", "Absence excusée"
    ABSENT = "absent", "Absence"


class ConvocationAnswer(models.TextChoices):
    PENDING = "", "Pas de réponse"
    ATTENDING = "attending", "Participera"
    REPRESENTED = "represented", "Se fera représenter"
    EXCUSED = "excused", "S'excuse"


class DecisionKind(models.TextChoices):
    """What a decision is. Only follow-up decisions have an owner and a due date; the others
    record what the meeting did (a debate held, a strategy adopted, minutes approved)."""

    FOLLOW_UP = "follow_up", "Décision à suivre"
    ORIENTATION_DEBATE = "debate", "Débat d'orientation"
    ADOPTION = "adoption", "Adoption de la stratégie"
    AMENDMENT = "amendment", "Adoption d'un avenant"
    FUNDING_OPINION = "funding_opinion", "Avis sur des demandes de financement"
    MINUTES_APPROVAL = "minutes", "Approbation du compte rendu"


class DecisionStatus(models.TextChoices):
    OPEN = "open", "À faire"
    DONE = "done", "Réalisée"
    DROPPED = "dropped", "Abandonnée"
