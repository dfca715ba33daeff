"""The councils' processing activities, for the personal-data page and the register (core.legal).

The working groups' minutes state the retention the purge applies (`retention.retention_years`).
"""

from stspd.core.legal import Processing, register

from .retention import retention_years


def minutes_retention() -> str:
    return (
        f"{retention_years()} ans après la réunion, puis effacés "
        "(`stspd purge-working-group-notes`), y compris du journal"
    )


def register_processings() -> None:
    register(
        Processing(
            key="council_members",
            name="Composition et rôles des conseils",
            purpose="Organiser le conseil, ses formations, ses réunions et ses décisions",
            legal_basis=(
                "Mission d'intérêt public (RGPD art. 6.1.e ; code de la sécurité intérieure, "
                "art. D. 132-7 à D. 132-13)"
            ),
            subjects=(
                "Membres des conseils, représentants des organisations membres (titulaires et "
                "suppléants, avec ou sans compte), invités aux réunions"
            ),
            data=(
                "Nom, fonction, organisme, rôle, adresse électronique des représentants "
                "convoqués, présence et réponse aux convocations, signature de la charte"
            ),
            recipients=(
                "Les membres du conseil ; l'adresse électronique d'un représentant, aux seules "
                "personnes qui gèrent le conseil"
            ),
            retention=lambda: (
                "Tant que la personne est membre du conseil ou représente une organisation "
                "membre ; ses rôles sont retirés à l'effacement de son compte, un représentant "
                "est supprimé avec ses convocations quand il cesse de représenter"
            ),
            security="Accès limité aux membres du conseil",
        )
    )
    register(
        Processing(
            key="working_group_minutes",
            name="Comptes rendus des groupes de travail",
            purpose=(
                "Suivre les situations examinées par un groupe de travail thématique ou "
                "territorial (échange d'informations confidentielles, CSI art. L. 132-5)"
            ),
            legal_basis="Mission d'intérêt public (RGPD art. 6.1.e ; CSI art. L. 132-5)",
            subjects="Personnes dont la situation est évoquée, membres du groupe",
            data="Texte libre des comptes rendus",
            recipients="Les seuls membres du groupe ayant signé sa charte de confidentialité",
            retention=minutes_retention,
            security="Accès limité aux signataires de la charte ; effacement à échéance",
        )
    )
