from django.db import models


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Collecte ouverte"
    CLOSED = "closed", "Collecte close"


class AccessMode(models.TextChoices):
    CODES = "codes", "Sur invitation : un code par personne (courrier)"
    OPEN = "open", "Ouverte : lien public, nombre de réponses limité par adresse réseau"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Choix unique"
    MULTIPLE = "multiple", "Choix multiple"
    NUMBER = "number", "Nombre"
    TEXT = "text", "Texte court"
    PROFILE = "profile", "Profil (sert au redressement)"


class Channel(models.TextChoices):
    WEB = "web", "Formulaire en ligne"
    PAPER = "paper", "Questionnaire papier saisi"
    IMPORT = "import", "Fichier d'un institut de sondage"


class MarginSource(models.TextChoices):
    COUNCIL = "council", "Chiffres du conseil"
    INSEE = "insee", "Estimations de population INSEE (département)"


class Method(models.TextChoices):
    RAKING = "raking", "Calage par raking (poids positifs, méthode usuelle)"
    LINEAR = "linear", "Calage linéaire (GREG)"
    LOGIT = "logit", "Calage logit borné"
