from django.db import models


class Status(models.TextChoices):
    """The adoption workflow's states; the allowed moves are in workflow.TRANSITIONS."""

    DRAFT = "draft", "Brouillon"
    IN_REVIEW = "in_review", "En relecture par les partenaires"
    ORIENTATION_DEBATED = "orientation", "Débat d'orientation tenu"
    ADOPTED = "adopted", "Adoptée par le conseil"
    DELIBERATED = "deliberated", "Délibérée"
    SIGNED = "signed", "Signée"
    IN_FORCE = "in_force", "En vigueur"
    REVISION = "revision", "En révision (avenant)"
    CLOSED = "closed", "Close"


# The content can be changed only in these states; afterwards it is amended through a revision.
EDITABLE_STATUSES = frozenset(
    {Status.DRAFT, Status.IN_REVIEW, Status.ORIENTATION_DEBATED, Status.REVISION}
)


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    SUSPENDED = "suspended", "Suspendue"
    ABANDONED = "abandoned", "Abandonnée"


class PartnerRole(models.TextChoices):
    CO_LEAD = "co_lead", "Copilote"
    CONTRIBUTOR = "contributor", "Contributeur"
    FUNDER = "funder", "Financeur"


class Funder(models.TextChoices):
    FIPD = "fipd", "FIPD (fonds interministériel de prévention de la délinquance)"
    STATE_OTHER = "state_other", "Autres crédits de l'État"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité"
    DEPARTEMENT = "departement", "Conseil départemental"
    REGION = "region", "Région"
    CAF = "caf", "Caisse d'allocations familiales"
    LANDLORD = "landlord", "Bailleurs sociaux"
    OTHER = "other", "Autre financeur"


class AdoptionMode(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    VOTE = "vote", "Vote"


class Vote(models.TextChoices):
    FOR = "for", "Pour"
    AGAINST = "against", "Contre"
    ABSTAIN = "abstain", "Abstention"


class ElementKind(models.TextChoices):
    """What a partner can comment on during a review round."""

    STRATEGY = "strategy", "Stratégie"
    SECTION = "section", "Section du diagnostic"
    AXIS = "axis", "Axe"
    OBJECTIVE = "objective", "Objectif"
    ACTION = "action", "Fiche action"


class RemarkKind(models.TextChoices):
    COMMENT = "comment", "Commentaire"
    AMENDMENT = "amendment", "Proposition d'amendement"


class RemarkStatus(models.TextChoices):
    OPEN = "open", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    REJECTED = "rejected", "Rejetée"


class StatusMethod(models.TextChoices):
    """How the dashboard judges a result indicator (crimestats.status)."""

    TRAJECTORY = "trajectory", "Trajectoire linéaire avec tolérance"
    GROWTH_RATIO = "growth_ratio", "Rapport de croissance (méthode des sites des ODD)"
