"""The demo territory, built from the real commune reference.

Métropole Rouen Normandie (a real EPCI of Seine-Maritime, 71 communes) with its CISPD, the CLSPD
of one of its communes (Saint-Étienne-du-Rouvray), and the CLSPD of Le Havre, whose coordinator
plays the outsider. People and minutes are invented; organisations are the real kinds of
partners a CISPD brings together.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Membership, Organisation, User
from stspd.councils.enums import (
    AttendanceStatus,
    ConvocationAnswer,
    DecisionStatus,
    FormationKind,
    MemberBasis,
    MemberPresence,
    Role,
)
from stspd.councils.models import (
    Attendance,
    ConvocationRecipient,
    CouncilMember,
    CouncilRole,
    Decision,
    Formation,
    FormationMember,
    Meeting,
    MemberAttendance,
    Representative,
)
from stspd.councils.workflow import create_council
from stspd.territories.models import Commune, Epci

EPCI_SIREN = "200023414"  # Métropole Rouen Normandie
COMMUNE_CODE = "76575"  # Saint-Étienne-du-Rouvray
OUTSIDER_COMMUNE_CODE = "76351"  # Le Havre
DEMO_PASSWORD = "demo-stspd-2026"
DOMAIN = "demo.stspd.fr"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS = [
    DemoLogin(f"admin@{DOMAIN}", "administrateur du site"),
    DemoLogin(
        f"coordination@{DOMAIN}", "coordinatrice du CISPD (membre signataire des deux groupes)"
    ),
    DemoLogin(f"partenaire@{DOMAIN}", "partenaire du CISPD (police nationale)"),
    DemoLogin(f"lecteur@{DOMAIN}", "lectrice du CISPD (élue)"),
    DemoLogin(f"gt-signe@{DOMAIN}", "partenaire, membre du groupe VIF, charte signée"),
    DemoLogin(f"gt-non-signe@{DOMAIN}", "partenaire, membre du groupe VIF, charte non signée"),
    DemoLogin(f"clspd@{DOMAIN}", "coordinateur du CLSPD de Saint-Étienne-du-Rouvray"),
    DemoLogin(f"exterieur@{DOMAIN}", "coordinateur du CLSPD du Havre (extérieur au CISPD)"),
    DemoLogin(f"prefecture@{DOMAIN}", "agente de la préfecture de la Seine-Maritime"),
    DemoLogin(f"national@{DOMAIN}", "agent du secrétariat national (SG-CIPDR)"),
]

ORGANISATIONS = {
    "metropole": ("Métropole Rouen Normandie", OrganisationKind.EPCI),
    "prefecture": ("Préfecture de la Seine-Maritime", OrganisationKind.PREFECTURE),
    "parquet": ("Parquet du tribunal judiciaire de Rouen", OrganisationKind.PARQUET),
    "police": (
        "Direction interdépartementale de la police nationale de la Seine-Maritime",
        OrganisationKind.POLICE_NATIONALE,
    ),
    "gendarmerie": (
        "Groupement de gendarmerie départementale de la Seine-Maritime",
        OrganisationKind.GENDARMERIE,
    ),
    "education": (
        "Direction des services départementaux de l'éducation nationale de la Seine-Maritime",
        OrganisationKind.EDUCATION,
    ),
    "departement": ("Département de la Seine-Maritime", OrganisationKind.DEPARTEMENT),
    "bailleur": ("Bailleur social de la métropole rouennaise", OrganisationKind.BAILLEUR),
    "transport": ("Réseau de transport métropolitain", OrganisationKind.TRANSPORT),
    "victimes": ("Association d'aide aux victimes de Seine-Maritime", OrganisationKind.ASSOCIATION),
    "mairie_ser": ("Mairie de Saint-Étienne-du-Rouvray", OrganisationKind.MAIRIE),
    "pm_ser": ("Police municipale de Saint-Étienne-du-Rouvray", OrganisationKind.POLICE_MUNICIPALE),
    "mairie_lh": ("Mairie du Havre", OrganisationKind.MAIRIE),
}

VIF_CHARTER = """Les membres du groupe de travail s'engagent à :
1. n'échanger que les informations strictement nécessaires à la prévention des violences ;
2. ne jamais communiquer ces informations à des tiers ni les reprendre en séance plénière ;
3. ne constituer aucun fichier de personnes ;
4. respecter le secret professionnel auquel chacun est tenu (art. L. 132-5 du code de la sécurité
   intérieure)."""


def person(email: str, first: str, last: str, title: str, *, superuser: bool = False) -> User:
    user = User.objects.create_user(
        email=email,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        job_title=title,
        is_superuser=superuser,
        is_staff=superuser,
    )
    return user


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def record_member_attendance(meeting: Meeting, orgs: dict[str, Organisation]) -> None:
    """Who sat at the demo's past plenary: seven of eleven members, the quorum is reached."""
    rows = {
        "metropole": (MemberPresence.PRESENT, "Président de la Métropole", ""),
        "prefecture": (
            MemberPresence.PRESENT,
            "Sous-préfet chargé de la politique de la ville",
            "",
        ),
        "parquet": (MemberPresence.REPRESENTED, "", "Substitut chargé de la politique de la ville"),
        "police": (MemberPresence.PRESENT, "Commissaire Paul Girard", ""),
        "gendarmerie": (MemberPresence.EXCUSED, "", ""),
        "education": (MemberPresence.EXCUSED, "", ""),
        "departement": (MemberPresence.PRESENT, "Vice-présidente chargée de l'action sociale", ""),
        "bailleur": (MemberPresence.PRESENT, "Directeur de la proximité", ""),
        "transport": (MemberPresence.ABSENT, "", ""),
        "victimes": (MemberPresence.PRESENT, "Directrice de l'association", ""),
        "mairie_ser": (MemberPresence.ABSENT, "", ""),
    }
    MemberAttendance.objects.bulk_create(
        MemberAttendance(
            meeting=meeting,
            organisation=orgs[key],
            status=status,
            attendee=attendee,
            represented_by=proxy,
        )
        for key, (status, attendee, proxy) in rows.items()
    )


def convene_demo(meeting: Meeting, today: datetime.date) -> None:
    """The next plenary was convened ten days ago; some representatives have answered. Rows
    only: the demo sends no e-mail."""
    sent = at(today - datetime.timedelta(days=10), 9)
    answers = {
        "prefecture": ConvocationAnswer.ATTENDING,
        "parquet": ConvocationAnswer.REPRESENTED,
        "education": ConvocationAnswer.EXCUSED,
        "metropole": ConvocationAnswer.ATTENDING,
    }
    for person in Representative.objects.filter(
        member__council=meeting.formation.council
    ).select_related("member"):
        key = person.email.split(".", 1)[0]
        answer = answers.get(key, ConvocationAnswer.PENDING)
        ConvocationRecipient.objects.create(
            meeting=meeting,
            representative=person,
            sent_at=sent,
            opened_at=sent + datetime.timedelta(hours=3) if answer or key == "police" else None,
            answer=answer,
            answer_comment="Substitut chargé de la politique de la ville"
            if answer == ConvocationAnswer.REPRESENTED
            else "",
            answered_at=sent + datetime.timedelta(days=1) if answer else None,
        )


def demo_exists() -> bool:
    return User.objects.filter(email=f"coordination@{DOMAIN}").exists()


@transaction.atomic
def build_demo(today: datetime.date | None = None) -> None:
    """Create the demo (the commune reference must be loaded). Does nothing if it exists."""
    if demo_exists():
        return
    today = today or timezone.localdate()
    epci = Epci.objects.get(siren=EPCI_SIREN)
    commune = Commune.objects.get(code=COMMUNE_CODE)
    outsider_commune = Commune.objects.get(code=OUTSIDER_COMMUNE_CODE)

    orgs = {
        key: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for key, (name, kind) in ORGANISATIONS.items()
    }
    # The operator builds the demo: its councils are approved by the demo's site admin.
    operator = person(
        f"admin@{DOMAIN}", "Alex", "Martin", "Opérateur de la plateforme", superuser=True
    )
    coordinator = person(f"coordination@{DOMAIN}", "Claire", "Lefebvre", "Coordinatrice du CISPD")
    partner = person(
        f"partenaire@{DOMAIN}", "Paul", "Girard", "Commissaire, chef de la circonscription"
    )
    reader = person(
        f"lecteur@{DOMAIN}", "Rachida", "Benali", "Vice-présidente déléguée à la prévention"
    )
    signed = person(f"gt-signe@{DOMAIN}", "Sophie", "Morel", "Juriste, aide aux victimes")
    unsigned = person(
        f"gt-non-signe@{DOMAIN}", "Nicolas", "Petit", "Responsable tranquillité résidentielle"
    )
    clspd_coordinator = person(f"clspd@{DOMAIN}", "Karim", "Haddad", "Coordinateur du CLSPD")
    outsider = person(f"exterieur@{DOMAIN}", "Éric", "Duval", "Coordinateur du CLSPD du Havre")
    for user, key in [
        (coordinator, "metropole"),
        (partner, "police"),
        (reader, "metropole"),
        (signed, "victimes"),
        (unsigned, "bailleur"),
        (clspd_coordinator, "mairie_ser"),
        (outsider, "mairie_lh"),
    ]:
        Membership.objects.create(user=user, organisation=orgs[key])

    cispd = create_council(
        epci,
        name="CISPD de la Métropole Rouen Normandie",
        president="Président de la Métropole Rouen Normandie",
        by=coordinator,
        approved_by=operator,
    )
    for user, role in [
        (partner, Role.PARTNER),
        (reader, Role.READER),
        (signed, Role.PARTNER),
        (unsigned, Role.PARTNER),
        (clspd_coordinator, Role.PARTNER),
    ]:
        CouncilRole.objects.create(council=cispd, user=user, role=role)
    seats = [
        ("metropole", "Président de la Métropole", MemberBasis.BY_RIGHT),
        (
            "prefecture",
            "Préfet de la Seine-Maritime, représenté par le sous-préfet chargé de la "
            "politique de la ville",
            MemberBasis.BY_RIGHT,
        ),
        (
            "parquet",
            "Procureur de la République près le tribunal judiciaire de Rouen",
            MemberBasis.BY_RIGHT,
        ),
        ("police", "Commissaire Paul Girard", MemberBasis.DESIGNATED),
        ("gendarmerie", "Commandant de la compagnie de gendarmerie", MemberBasis.DESIGNATED),
        ("education", "Inspecteur d'académie, DASEN", MemberBasis.DESIGNATED),
        ("departement", "Vice-présidente chargée de l'action sociale", MemberBasis.DESIGNATED),
        ("bailleur", "Directeur de la proximité", MemberBasis.DESIGNATED),
        ("transport", "Responsable sûreté du réseau", MemberBasis.DESIGNATED),
        ("victimes", "Directrice de l'association", MemberBasis.DESIGNATED),
        ("mairie_ser", "Maire de Saint-Étienne-du-Rouvray", MemberBasis.DESIGNATED),
    ]
    for key, representative, basis in seats:
        member = CouncilMember.objects.create(
            council=cispd, organisation=orgs[key], representative=representative, basis=basis
        )
        # Each titular representative is convened at a fictitious address of the demo domain.
        Representative.objects.create(
            member=member, name=representative, email=f"{key}.cispd@{DOMAIN}"
        )

    plenary = cispd.formations.get(kind=FormationKind.PLENARY)
    restricted = cispd.formations.get(kind=FormationKind.RESTRICTED)
    # The rules of procedure of the demo CISPD: half the member organisations to decide.
    for formation in (plenary, restricted):
        formation.quorum_percent = 50
        formation.save(update_fields=["quorum_percent"])
    vif = Formation.objects.create(
        council=cispd,
        kind=FormationKind.WORKING_GROUP,
        scope="thematic",
        name="Groupe de travail — violences intrafamiliales",
        description="Repérage des situations, orientation des victimes, suivi des auteurs.",
        charter=VIF_CHARTER,
    )
    transport = Formation.objects.create(
        council=cispd,
        kind=FormationKind.WORKING_GROUP,
        scope="territorial",
        name="Groupe de travail — sécurité dans les transports, ligne T4",
        description="Incivilités et dégradations le long de la ligne T4 et dans ses pôles "
        "d'échange.",
        charter=VIF_CHARTER,
    )
    last_year = today - datetime.timedelta(days=300)
    FormationMember.objects.bulk_create(
        [
            FormationMember(
                formation=vif,
                user=coordinator,
                organisation=orgs["metropole"],
                charter_signed_on=last_year,
            ),
            FormationMember(
                formation=vif,
                user=signed,
                organisation=orgs["victimes"],
                charter_signed_on=last_year + datetime.timedelta(days=3),
            ),
            FormationMember(formation=vif, user=unsigned, organisation=orgs["bailleur"]),
            FormationMember(
                formation=transport,
                user=coordinator,
                organisation=orgs["metropole"],
                charter_signed_on=last_year,
            ),
            FormationMember(
                formation=transport,
                user=partner,
                organisation=orgs["police"],
                charter_signed_on=last_year + datetime.timedelta(days=10),
            ),
        ]
    )

    plenary_meeting = Meeting.objects.create(
        formation=plenary,
        starts_at=at(today - datetime.timedelta(days=250), 14),
        place="Hôtel de la Métropole, salle du conseil, Rouen",
        agenda="1. Bilan annuel de la délinquance enregistrée\n2. Orientations de la stratégie "
        "territoriale\n3. Création des groupes de travail",
        minutes="Le président ouvre la séance. Le sous-préfet présente l'évolution de la "
        "délinquance enregistrée. Le conseil retient trois orientations : jeunesse, "
        "violences intrafamiliales, tranquillité dans les transports et l'habitat. "
        "Deux groupes de travail sont créés.",
    )
    restricted_meeting = Meeting.objects.create(
        formation=restricted,
        starts_at=at(today - datetime.timedelta(days=120), 10),
        place="Préfecture de la Seine-Maritime, Rouen",
        agenda="1. Point d'étape des groupes de travail\n2. Appel à projets FIPD",
        minutes="Les pilotes présentent l'avancement. Trois projets seront déposés au FIPD.",
    )
    next_plenary = Meeting.objects.create(
        formation=plenary,
        starts_at=at(today + datetime.timedelta(days=45), 14),
        place="Hôtel de la Métropole, salle du conseil, Rouen",
        agenda="1. Approbation du compte rendu de la séance précédente\n2. Adoption de la "
        "stratégie territoriale\n3. Calendrier d'évaluation",
    )
    convene_demo(next_plenary, today)
    vif_meeting = Meeting.objects.create(
        formation=vif,
        starts_at=at(today - datetime.timedelta(days=90), 9),
        place="Commissariat central, Rouen",
        agenda="Situations signalées par les partenaires",
        minutes="CONFIDENTIEL — Trois situations examinées ; orientations décidées en séance. "
        "Aucune donnée nominative n'est conservée sur la plateforme.",
    )
    Meeting.objects.create(
        formation=transport,
        starts_at=at(today - datetime.timedelta(days=60), 9),
        place="Dépôt du réseau, Saint-Étienne-du-Rouvray",
        agenda="Dégradations aux arrêts de la ligne T4",
        minutes="CONFIDENTIEL — Secteurs identifiés et patrouilles conjointes décidées.",
    )
    for user, status in [
        (coordinator, AttendanceStatus.PRESENT),
        (partner, AttendanceStatus.PRESENT),
        (reader, AttendanceStatus.EXCUSED),
        (clspd_coordinator, AttendanceStatus.PRESENT),
    ]:
        Attendance.objects.create(meeting=plenary_meeting, user=user, status=status)
    record_member_attendance(plenary_meeting, orgs)
    Attendance.objects.create(
        meeting=vif_meeting, user=coordinator, status=AttendanceStatus.PRESENT
    )
    Attendance.objects.create(meeting=vif_meeting, user=signed, status=AttendanceStatus.PRESENT)
    Decision.objects.bulk_create(
        [
            Decision(
                meeting=plenary_meeting,
                owner=orgs["metropole"],
                text="Rédiger le diagnostic local de sécurité avec les partenaires.",
                due_on=today - datetime.timedelta(days=150),
                status=DecisionStatus.DONE,
                follow_up="Diagnostic diffusé aux partenaires.",
            ),
            Decision(
                meeting=plenary_meeting,
                owner=orgs["prefecture"],
                text="Communiquer les chiffres de la délinquance enregistrée par commune.",
                due_on=today - datetime.timedelta(days=30),
            ),
            Decision(
                meeting=restricted_meeting,
                owner=orgs["victimes"],
                text="Déposer le projet d'intervenant social en commissariat au FIPD.",
                due_on=today + datetime.timedelta(days=20),
            ),
            Decision(
                meeting=vif_meeting,
                owner=orgs["victimes"],
                text="CONFIDENTIEL — Proposer un accompagnement aux situations examinées.",
                due_on=today + datetime.timedelta(days=10),
            ),
        ]
    )

    clspd = create_council(
        commune,
        name="CLSPD de Saint-Étienne-du-Rouvray",
        president="Maire de Saint-Étienne-du-Rouvray",
        by=clspd_coordinator,
        approved_by=operator,
    )
    for key, representative, basis in [
        ("mairie_ser", "Maire", MemberBasis.BY_RIGHT),
        ("prefecture", "Préfet, représenté par le délégué du préfet", MemberBasis.BY_RIGHT),
        ("parquet", "Procureur de la République", MemberBasis.BY_RIGHT),
        ("pm_ser", "Chef de la police municipale", MemberBasis.DESIGNATED),
        ("police", "Chef de la circonscription de sécurité publique", MemberBasis.DESIGNATED),
        ("bailleur", "Responsable d'agence", MemberBasis.DESIGNATED),
    ]:
        CouncilMember.objects.create(
            council=clspd, organisation=orgs[key], representative=representative, basis=basis
        )
    CouncilRole.objects.create(council=clspd, user=coordinator, role=Role.READER)
    Meeting.objects.create(
        formation=clspd.formations.get(kind=FormationKind.PLENARY),
        starts_at=at(today - datetime.timedelta(days=200), 18),
        place="Hôtel de ville de Saint-Étienne-du-Rouvray",
        agenda="1. Installation du CLSPD\n2. Présentation du diagnostic",
        minutes="Le maire installe le conseil et présente ses membres.",
    )

    lehavre = create_council(
        outsider_commune,
        name="CLSPD du Havre",
        president="Maire du Havre",
        by=outsider,
        approved_by=operator,
    )
    CouncilMember.objects.create(
        council=lehavre,
        organisation=orgs["mairie_lh"],
        representative="Maire",
        basis=MemberBasis.BY_RIGHT,
    )
