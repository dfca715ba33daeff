"""Partners' files as a processing activity, for the personal-data page and the register."""

from stspd.core.legal import Processing, register

from .retention import retention_days


def staged_retention() -> str:
    return (
        "Les faits agrégés : tant que le conseil existe ; les cellules d'un fichier déposé : "
        "jusqu'à son import, ou "
        f"{retention_days()} jours s'il n'est pas importé (`stspd purge-uploads`)"
    )


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
            data=(
                "Catégorie, date, lieu et nombre de faits ; les colonnes nominatives sont "
                "écartées au dépôt et les noms, adresses électroniques et téléphones trouvés "
                "dans les cellules remplacés par « [retiré] »"
            ),
            recipients="Les membres du conseil",
            retention=staged_retention,
            security="Accès limité au conseil ; contrôle du format et des bornes à l'import",
        )
    )
