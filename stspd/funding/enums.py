from django.db import models


class ProgrammeKind(models.TextChoices):
    INTERVENTION = "intervention", "Subvention d'intervention"
    INVESTMENT = "investment", "Subvention d'investissement"


class Side(models.TextChoices):
    CHARGES = "charges", "Charges"
    INCOME = "income", "Produits"


class Account(models.TextChoices):
    """The account classes of the Cerfa 12156's provisional budget (associations' chart of
    accounts): charges 60 to 68 and 86, income 70 to 78 and 87."""

    C60 = "60", "60 - Achats"
    C61 = "61", "61 - Services extérieurs"
    C62 = "62", "62 - Autres services extérieurs"
    C63 = "63", "63 - Impôts et taxes"
    C64 = "64", "64 - Charges de personnel"
    C65 = "65", "65 - Autres charges de gestion courante"
    C66 = "66", "66 - Charges financières"
    C67 = "67", "67 - Charges exceptionnelles"
    C68 = "68", "68 - Dotation aux amortissements, provisions et engagements"
    C86 = "86", "86 - Emplois des contributions volontaires en nature"
    P70 = "70", "70 - Vente de produits finis, prestations de services, marchandises"
    P73 = "73", "73 - Dotations et produits de tarification"
    P74 = "74", "74 - Subventions d'exploitation (dont État : FIPD)"
    P75 = "75", "75 - Autres produits de gestion courante"
    P76 = "76", "76 - Produits financiers"
    P77 = "77", "77 - Produits exceptionnels"
    P78 = "78", "78 - Reprises sur amortissements et provisions"
    P87 = "87", "87 - Contributions volontaires en nature"


CHARGE_ACCOUNTS = ("60", "61", "62", "63", "64", "65", "66", "67", "68", "86")
INCOME_ACCOUNTS = ("70", "73", "74", "75", "76", "77", "78", "87")


def side_of(account: str) -> str:
    return Side.CHARGES if account in CHARGE_ACCOUNTS else Side.INCOME


class CoFundingState(models.TextChoices):
    REQUESTED = "requested", "Demandé"
    GRANTED = "granted", "Accordé"
    REFUSED = "refused", "Refusé"


class OpinionKind(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    RESERVED = "reserved", "Réservé"
    UNFAVOURABLE = "unfavourable", "Défavorable"
