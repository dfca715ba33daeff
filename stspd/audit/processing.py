"""The journal's processing activity, for the personal-data page and the register (core.legal)."""

from stspd.core.legal import Processing, register


def register_processings() -> None:
    register(
        Processing(
            key="journal",
            name="Journal des modifications des conseils",
            purpose="Tracer qui a modifié quoi et quand dans les données d'un conseil",
            legal_basis="Mission d'intérêt public (RGPD art. 6.1.e) ; sécurité (art. 32)",
            subjects="Membres des conseils qui modifient des données",
            data="Nom de l'auteur, date, objet modifié, valeurs avant et après",
            recipients=(
                "Les membres du conseil ; les événements d'un groupe de travail, ses seuls "
                "membres signataires de la charte"
            ),
            retention=lambda: (
                "Tant que le conseil existe ; le texte des comptes rendus purgés en est retiré "
                "en même temps qu'eux"
            ),
            security="Journal en ajout seul, lu à travers les droits du conseil",
        )
    )
