"""Partners' files as a processing activity, for the personal-data page and the register."""

from stspd.core.legal import Processing, register


def register_processings() -> None:
    register(
        Processing(
            key="partner_files",
            name="Fichiers de faits transmis par les partenaires",
            purpose="Compter des faits par catégorie, jour et lieu pour le diagnostic local",
            legal_basis="Mission d'intérêt public (RGPD art. 6.1.e)",
            subjects=(
                "Aucune en principe : les fichiers sont agrégés ; des noms peuvent figurer "
                "par erreur dans un fichier transmis"
            ),
            data="Catégorie, date, lieu et nombre de faits",
            recipients="Les membres du conseil",
            retention=lambda: (
                "Les fichiers déposés sont gardés jusqu'à leur import ou leur abandon"
            ),
            security="Accès limité au conseil ; contrôle du format et des bornes à l'import",
        )
    )
