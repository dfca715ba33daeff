"""The accounts' processing activities, for the personal-data page and the register (core.legal)."""

from django.conf import settings

from stspd.core.legal import Processing, register


def session_hours() -> str:
    hours = settings.SESSION_COOKIE_AGE // 3600
    return f"{hours} heures au plus, et jusqu'à la fermeture du navigateur"


def register_processings() -> None:
    register(
        Processing(
            key="accounts",
            name="Comptes des membres des conseils",
            purpose=(
                "Permettre aux coordinateurs et partenaires des conseils de se connecter et de "
                "travailler ensemble sur le diagnostic et la stratégie."
            ),
            legal_basis=(
                "Mission d'intérêt public (RGPD art. 6.1.e ; code de la sécurité intérieure, "
                "art. L. 132-4 et L. 132-5)"
            ),
            subjects="Membres et partenaires des CLSPD et CISPD, administrateurs de la plateforme",
            data="Nom, prénom, adresse électronique, fonction, organisme, mot de passe chiffré",
            recipients=(
                "Les membres des conseils auxquels la personne appartient ; l'administrateur"
            ),
            retention=lambda: (
                "Jusqu'à l'effacement du compte, sur demande de la personne "
                "(« Mon compte », effacement) ; ce qu'elle a écrit reste, signé "
                "« utilisateur supprimé »"
            ),
            security="Mots de passe hachés, connexion chiffrée (HTTPS), limitation des tentatives",
        )
    )
    register(
        Processing(
            key="logins",
            name="Historique de connexion et limitation des tentatives",
            purpose="Protéger les comptes contre les tentatives de connexion répétées",
            legal_basis="Obligation de sécurité du traitement (RGPD art. 32)",
            subjects="Toute personne qui tente de se connecter ou télécharge un document public",
            data="Adresse électronique saisie, adresse IP, date, succès ou échec",
            recipients="La personne elle-même (« Mon compte ») ; l'administrateur",
            retention=lambda: (
                "Jusqu'à l'effacement du compte ; les demandes de lien de réinitialisation ou de "
                f"déblocage ({settings.STSPD_ACCOUNT_MAILS_PER_HOUR} par heure au plus), "
                "une heure ; l'adresse IP des téléchargements anonymes du portail public, "
                f"une minute ({settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE} par minute au "
                "plus) ; "
                f"la session, {session_hours()}"
            ),
            security="Accès réservé à la personne et à l'administrateur",
        )
    )
