"""The demo's obligations (issue 18): meeting items, two linked contracts (one late to
evaluate), the 2025 yearly returns of the two Rouen-area councils, and the State's agents."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stspd.accounts.models import User
from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Meeting
from stspd.obligations.models import (
    ActionAxisTag,
    ActionPlanTag,
    Agreement,
    AgreementKind,
    MeetingItem,
    MeetingItemKind,
    PlanPriority,
    StateLevel,
    StateRole,
    YearlyReturn,
)
from stspd.obligations.national import framework_on
from stspd.obligations.yearly import figures
from stspd.strategy.models import Action
from stspd.territories.models import Departement

from .councils import COMMUNE_CODE, DEMO_PASSWORD, DOMAIN, EPCI_SIREN

RETURN_YEAR = 2025
PREFECTURE_EMAIL = f"prefecture@{DOMAIN}"
NATIONAL_EMAIL = f"national@{DOMAIN}"


def agent(email: str, first: str, last: str, title: str) -> User:
    return User.objects.create_user(
        email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, job_title=title
    )


@transaction.atomic
def build_obligations_demo(today: datetime.date | None = None) -> str:
    """Once: after the councils and the strategy demo (it tags one of the strategy's fiches)."""
    if StateRole.objects.filter(user__email=PREFECTURE_EMAIL).exists():
        return "Obligations de démonstration déjà en place."
    today = today or timezone.localdate()
    cispd = Council.objects.get(epci__siren=EPCI_SIREN)
    clspd = Council.objects.get(commune__code=COMMUNE_CODE)

    # The CISPD's last plenary heard the observatory's yearly presentation and voted its rules.
    plenary = (
        Meeting.objects.filter(
            formation__council=cispd,
            formation__kind=FormationKind.PLENARY,
            starts_at__date__lte=today,
        )
        .order_by("-starts_at")
        .first()
    )
    if plenary is not None:
        MeetingItem.objects.create(
            meeting=plenary,
            kind=MeetingItemKind.BRIEFING,
            note="Présentation annuelle de l'observatoire par le sous-préfet et la police",
        )
        MeetingItem.objects.create(meeting=plenary, kind=MeetingItemKind.RULES_OF_PROCEDURE)

    contract = Agreement.objects.create(
        council=cispd,
        kind=AgreementKind.CONTRAT_DE_VILLE,
        title="Contrat de ville « Engagements Quartiers 2030 » de la Métropole (volet sécurité)",
        parties="Métropole Rouen Normandie\nPréfet de la Seine-Maritime\nCommunes signataires",
        signed_on=datetime.date(2024, 6, 28),
        ends_on=datetime.date(2030, 12, 31),
        evaluation_due_on=datetime.date(2027, 6, 30),
    )
    served = Action.objects.filter(objective__axis__strategy__council=cispd).order_by("pk")[:2]
    contract.actions.set(served)
    # The CLSPD's coordination agreement: its yearly evaluation is overdue (the late one).
    Agreement.objects.create(
        council=clspd,
        kind=AgreementKind.COORDINATION,
        title="Convention de coordination de la police municipale et des forces de l'État",
        parties="Maire de Saint-Étienne-du-Rouvray\nPréfet de la Seine-Maritime\n"
        "Procureur de la République (avis)",
        signed_on=datetime.date(2023, 3, 15),
        ends_on=datetime.date(2029, 3, 14),
        evaluation_due_on=datetime.date(2025, 3, 15),
        last_evaluated_on=datetime.date(2024, 3, 20),
    )

    # The CISPD's fiches serve the axes of the 2025-2030 national strategy (announced) matching
    # their own axis: youth, early detection, victims, the maire's role, steering.
    strategy = cispd.strategies.order_by("-starts_on").first()
    if strategy is not None:
        axes = framework_on(strategy.starts_on)
        by_position = {position: axis.code for position, axis in enumerate(axes.axes, 1)}
        ActionAxisTag.objects.bulk_create(
            ActionAxisTag(
                action=action,
                framework=axes.code,
                axis=by_position[min(action.objective.axis.position, len(by_position))],
            )
            for action in Action.objects.filter(objective__axis__strategy=strategy).select_related(
                "objective__axis"
            )
        )

    # The préfet's departmental plan (demo priorities), served by the CISPD's first fiches.
    seine_maritime = Departement.objects.get(code="76")
    plan = "Plan départemental de prévention de la délinquance 2024-2027 (démonstration)"
    priorities = [
        PlanPriority.objects.create(
            departement=seine_maritime,
            plan=plan,
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2027, 12, 31),
            code=code,
            label=label,
        )
        for code, label in [
            ("1", "Prévenir la délinquance des mineurs"),
            ("2", "Protéger les victimes de violences intrafamiliales"),
            ("3", "Tranquillité dans les transports et l'habitat social"),
        ]
    ]
    if strategy is not None:
        for action, priority in zip(
            Action.objects.filter(objective__axis__strategy=strategy).order_by("pk"),
            priorities,
            strict=False,
        ):
            ActionPlanTag.objects.create(action=action, priority=priority)

    for council, fte, situations in ((cispd, Decimal("1.0"), 23), (clspd, Decimal("0.5"), 0)):
        coordinator = council.coordinator
        YearlyReturn.objects.create(
            council=council,
            year=RETURN_YEAR,
            coordination_fte=fte,
            situations_examined=situations,
            figures=figures(
                council,
                RETURN_YEAR,
                coordination_fte=fte,
                situations_examined=situations,
                today=min(today, datetime.date(RETURN_YEAR + 1, 1, 31)),
            ),
            sent_at=timezone.now(),
            sent_by=coordinator,
        )

    prefecture = agent(
        PREFECTURE_EMAIL, "Hélène", "Roux", "Cheffe du bureau de la prévention, préfecture"
    )
    StateRole.objects.create(
        user=prefecture, level=StateLevel.PREFECTURE, departement=seine_maritime
    )
    national = agent(NATIONAL_EMAIL, "Marc", "Blanc", "Chargé de mission, SG-CIPDR")
    StateRole.objects.create(user=national, level=StateLevel.NATIONAL)
    return "Obligations, conventions liées, rapports 2025 et agents de l'État de démonstration."
