"""The demo's FIPD cycle: the 2025 and 2026 calls for projects of Seine-Maritime, applications
from four fiches action of the CISPD's strategy, the restricted formation's opinions, the
préfecture's grants and payments, one complete report and one late.

Known answers (tested in demo/tests/test_funding.py): each FIPD amount asked equals the FIPD
budget line planned by the strategy for that fiche and year; each 2025 grant equals the FIPD
amount committed on that line, to the cent.

- "Intervenant social en commissariat et en gendarmerie" (the victims' association, whose
  member `association@…` signs in): 2025 granted, paid in two instalments, report complete;
  2026 asked again.
- "Médiation sociale de soirée dans les quartiers prioritaires": 2025 granted and paid, its
  report (due 30 June 2026) is late; its 2026 application is flagged.
- "Cellule de suivi individualisé des jeunes": 2026, FIPD 75 % of the cost, above the 50 % cap.
- "Accueil des élèves exclus temporairement": 2026, reserved opinion.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stspd.accounts.models import Membership, Organisation, User
from stspd.councils.enums import FormationKind, Role
from stspd.councils.models import CouncilRole, Meeting
from stspd.demo.councils import DOMAIN, ORGANISATIONS, person, record_member_attendance
from stspd.demo.strategy import EPCI_SIREN
from stspd.funding import workflow
from stspd.funding.enums import CoFundingState, OpinionKind
from stspd.funding.models import Application, Call, Funder, Priority, Programme
from stspd.funding.reference import ensure_reference
from stspd.strategy.enums import Funder as BudgetFunder
from stspd.strategy.models import Action, BudgetLine, Strategy
from stspd.territories.models import Departement

D = Decimal
ZERO = D(0)
ASSOCIATION_LOGIN = f"association@{DOMAIN}"

PRIORITIES = {
    2025: [
        "Les jeunes : prévention de la délinquance et de la récidive",
        "Le soutien à l'autorité parentale",
        "Les violences intrafamiliales et les intervenants sociaux en commissariat et en "
        "gendarmerie",
        "La prévention du port d'armes blanches",
        "La prévention de l'enrôlement des mineurs dans les trafics de stupéfiants",
    ],
    2026: [
        "Les jeunes : prévention de la délinquance et de la récidive",
        "Les violences intrafamiliales et l'aide aux victimes",
        "La prévention de l'enrôlement des mineurs dans les trafics de stupéfiants",
    ],
}
CAP_RULE = (
    "Le FIPD ne peut financer plus de 50 % du coût total d'un projet, sauf exception motivée ; "
    "le porteur présente un budget prévisionnel équilibré."
)
MEDIATION = "Médiation sociale de soirée dans les quartiers prioritaires"
SOCIAL_WORKER = "Intervenant social en commissariat et en gendarmerie"
YOUNG = "Cellule de suivi individualisé des jeunes"
EXCLUDED = "Accueil des élèves exclus temporairement"
# Co-funders of the applications, from the strategy's budget categories.
CO_FUNDERS: dict[str, str] = {
    BudgetFunder.EPCI: "epci",
    BudgetFunder.DEPARTEMENT: "departement",
    BudgetFunder.CAF: "caf",
    BudgetFunder.LANDLORD: "bailleurs",
    BudgetFunder.COMMUNE: "commune",
}


def make_call(year: int, fipd: Funder, departement: Departement) -> Call:
    call = Call.objects.create(
        funder=fipd,
        departement=departement,
        year=year,
        title=f"Appel à projets FIPD {year} — Seine-Maritime",
        opens_on=datetime.date(year - 1, 12, 1),
        closes_on=datetime.date(year, 2, 14),
        cap_percent=D(50),
        cap_rule=CAP_RULE,
        documents_required="Cerfa n° 12156, budget prévisionnel du projet, avis du CLSPD ou du "
        "CISPD, compte rendu financier de la subvention précédente (Cerfa n° 15059).",
        report_months=6,
        blocks_without_report=False,
        source="Démonstration : appel fictif sur le modèle des appels de la préfecture.",
    )
    call.programmes.set(Programme.objects.filter(funder=fipd))
    for position, label in enumerate(PRIORITIES[year], start=1):
        priority = Priority.objects.create(funder=fipd, year=year, label=label, position=position)
        call.priorities.add(priority)
    return call


def planned(action: Action, year: int) -> dict[str, Decimal]:
    """The strategy's planned amounts of the fiche for the year, by budget category."""
    lines = BudgetLine.objects.filter(action=action, year=year)
    return {line.funder: line.planned for line in lines}


def apply(
    action: Action, call: Call, by: User, *, priority: int, extra_income: Decimal = ZERO
) -> Application:
    """An application whose budget is the strategy's planned money for the year: FIPD and
    co-funders in account 74, the cost split between staff (64) and services (61, 62)."""
    money = planned(action, call.year)
    fipd = money.get(BudgetFunder.FIPD, ZERO)
    subsidies = sum(money.values(), ZERO)
    total = subsidies + extra_income
    staff = (total * D("0.7")).quantize(D(1))
    services = (total * D("0.2")).quantize(D(1))
    amounts = {"64": staff, "61": services, "62": total - staff - services, "74": subsidies}
    if extra_income:
        amounts["75"] = extra_income
    application = workflow.create_application(
        action,
        call,
        programme=Programme.objects.get(funder=call.funder, letter="D"),
        priority=call.priorities.get(position=priority),
        sheet=workflow.prefill(action),
        fipd=fipd,
        amounts=amounts,
        by=by,
    )
    for category, amount in money.items():
        if category in CO_FUNDERS:
            workflow.set_co_funding(
                application,
                funder=Funder.objects.get(code=CO_FUNDERS[category]),
                requested=amount,
                granted=amount if call.year < timezone.localdate().year else None,
                state=(
                    CoFundingState.GRANTED
                    if call.year < timezone.localdate().year
                    else CoFundingState.REQUESTED
                ),
                by=by,
            )
    return application


def opinion_meeting(strategy: Strategy, day: datetime.date) -> Meeting:
    """The restricted formation's meeting that gives the opinion on the year's applications."""
    restricted = strategy.council.formations.get(kind=FormationKind.RESTRICTED)
    meeting = Meeting.objects.create(
        formation=restricted,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))),
        place="Préfecture de la Seine-Maritime, Rouen",
        agenda=f"Avis du CISPD sur les demandes au FIPD {day.year}",
        minutes="Les porteurs présentent leurs projets ; la formation rend son avis.",
    )
    orgs = {key: Organisation.objects.get(name=name) for key, (name, _) in ORGANISATIONS.items()}
    record_member_attendance(meeting, orgs)
    return meeting


def association_member(strategy: Strategy) -> User:
    """The victims' association's director: she prepares her own fiche's applications."""
    user = person(ASSOCIATION_LOGIN, "Inès", "Mercier", "Directrice de l'association")
    organisation = Organisation.objects.get(name=ORGANISATIONS["victimes"][0])
    Membership.objects.get_or_create(user=user, organisation=organisation)
    CouncilRole.objects.get_or_create(council=strategy.council, user=user, role=Role.PARTNER)
    return user


@transaction.atomic
def build_funding_demo() -> str:
    """Build the demo's FIPD cycle once; safe to run again."""
    strategy = Strategy.objects.filter(council__epci__siren=EPCI_SIREN).first()
    if strategy is None:
        return "Pas de stratégie de démonstration : financements non construits."
    ensure_reference()
    fipd = Funder.objects.get(code="fipd")
    if Call.objects.filter(funder=fipd, departement__code="76").exists():
        return "Appels à projets de démonstration déjà en place."
    coordinator = User.objects.get(email=f"coordination@{DOMAIN}")
    association = association_member(strategy)
    departement = Departement.objects.get(code="76")
    call_2025 = make_call(2025, fipd, departement)
    call_2026 = make_call(2026, fipd, departement)
    actions = {a.title: a for a in Action.objects.filter(objective__axis__strategy=strategy)}
    programme_d = Programme.objects.get(funder=fipd, letter="D")

    # 2025: two applications, a favourable opinion, grants, payments.
    social_2025 = apply(actions[SOCIAL_WORKER], call_2025, association, priority=3)
    mediation_2025 = apply(actions[MEDIATION], call_2025, coordinator, priority=1)
    workflow.record_opinions(
        opinion_meeting(strategy, datetime.date(2025, 3, 20)),
        call_2025,
        {
            social_2025: (OpinionKind.FAVOURABLE, ""),
            mediation_2025: (OpinionKind.FAVOURABLE, "Action structurante du contrat."),
        },
        by=coordinator,
    )
    for application, first_share in ((social_2025, D("0.6")), (mediation_2025, D("0.5"))):
        committed = BudgetLine.objects.get(
            action=application.action, funder=BudgetFunder.FIPD, year=2025
        ).committed
        grant = workflow.record_grant(
            application,
            programme=programme_d,
            amount=committed,
            decided_on=datetime.date(2025, 6, 12),
            by=coordinator,
        )
        first = (committed * first_share).quantize(D("0.01"))
        workflow.record_payment(
            grant, amount=first, paid_on=datetime.date(2025, 7, 3), by=coordinator
        )
        workflow.record_payment(
            grant, amount=committed - first, paid_on=datetime.date(2025, 12, 9), by=coordinator
        )
    # The association's complete report; the mediation's is late (due 30 June 2026).
    forecast = {item.account: item.amount for item in social_2025.budget.all()}
    actual = dict(forecast)
    actual["62"] = (forecast["62"] * D("1.25")).quantize(D("0.01"))
    actual["64"] = forecast["64"] - (actual["62"] - forecast["62"])
    workflow.submit_report(
        social_2025,
        actual=actual,
        explanations={
            "62": "Déplacements plus nombreux : permanences ouvertes à la gendarmerie d'Elbeuf, "
            "compensés sur les charges de personnel (remplacement non pourvu en août)."
        },
        qualitative=(
            "Deux intervenants sociaux ont reçu 410 personnes en 2025, dont 312 victimes de "
            "violences conjugales ; délai moyen de premier rendez-vous : 3 jours. Orientations "
            "vers l'hébergement d'urgence, le soin et l'aide juridictionnelle."
        ),
        today=datetime.date(2026, 3, 2),
        by=association,
    )

    # 2026: four applications, one above the cap, one flagged for its missing report.
    social_2026 = apply(actions[SOCIAL_WORKER], call_2026, association, priority=2)
    mediation_2026 = apply(actions[MEDIATION], call_2026, coordinator, priority=1)
    young_2026 = apply(actions[YOUNG], call_2026, coordinator, priority=1)
    excluded_2026 = apply(actions[EXCLUDED], call_2026, coordinator, priority=1)
    workflow.record_opinions(
        opinion_meeting(strategy, datetime.date(2026, 3, 19)),
        call_2026,
        {
            social_2026: (OpinionKind.FAVOURABLE, ""),
            mediation_2026: (
                OpinionKind.RESERVED,
                "Compte rendu financier 2025 à produire avant tout renouvellement.",
            ),
            young_2026: (
                OpinionKind.FAVOURABLE,
                "Part FIPD au-delà du plafond : cofinancement à rechercher.",
            ),
            excluded_2026: (
                OpinionKind.RESERVED,
                "Préciser les effectifs accueillis par établissement.",
            ),
        },
        by=coordinator,
    )
    committed = BudgetLine.objects.get(
        action=social_2026.action, funder=BudgetFunder.FIPD, year=2026
    ).committed
    grant = workflow.record_grant(
        social_2026,
        programme=programme_d,
        amount=committed,
        decided_on=datetime.date(2026, 6, 15),
        by=coordinator,
    )
    workflow.record_payment(
        grant,
        amount=(committed * D("0.6")).quantize(D("0.01")),
        paid_on=datetime.date(2026, 7, 6),
        by=coordinator,
    )
    return (
        "Appels à projets FIPD 2025 et 2026 de démonstration construits "
        f"(porteur associatif : {ASSOCIATION_LOGIN})."
    )
