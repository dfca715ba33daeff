"""What a person must do, council by council, for their home page.

Each room keeps its own rules (who reports which value, which decisions every role reads, who
appraises a fiche, which obligations are late); this module only asks them and counts, in a
number of queries that does not depend on how many values, remarks or decisions there are (it
grows with the number of councils the person has a role in).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from stspd.accounts.models import User
from stspd.councils.access import can_edit_council, plenary_decisions
from stspd.councils.enums import DecisionStatus, FormationKind, Role
from stspd.councils.models import Council, CouncilMember, FormationMember
from stspd.evaluation.models import Appraisal
from stspd.obligations.check import Verdict, check
from stspd.obligations.models import YearlyReturn
from stspd.steering.access import organisations_of
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.steering.reporting import REPORTING_STATUSES, duties, slots_of
from stspd.strategy.enums import ActionStatus, RemarkStatus, Status
from stspd.strategy.models import Action, Remark, ReviewRound, Signature, Strategy

# The states in which a strategy is the one in force, for the elected official's summary.
IN_FORCE = (Status.IN_FORCE, Status.REVISION, Status.SIGNED)


@dataclass(frozen=True)
class Task:
    """One line of "À faire": what, how many, where to do it; `late` marks what is overdue."""

    label: str
    count: int
    url: str
    late: int = 0


@dataclass
class StrategySummary:
    """The strategy in force in a few figures, for a reader (an elected official)."""

    strategy: Strategy
    axes: int
    objectives: int
    actions: int
    actions_done: int


@dataclass
class CouncilTodo:
    council: Council
    role: str
    tasks: list[Task] = field(default_factory=list)
    summary: StrategySummary | None = None

    @property
    def role_label(self) -> str:
        if self.role == "admin":
            return "Administration de la plateforme"
        return str(Role(self.role).label)

    @property
    def total(self) -> int:
        return sum(task.count for task in self.tasks)


def plural(count: int, one: str, many: str) -> str:
    """ "1 valeur à renseigner", "3 valeurs à renseigner"."""
    return f"{count} {one if count == 1 else many}"


# One function per kind of task: (user, council, role, organisations, today) -> tasks ----------


def values_to_report(user: User, council: Council, role: str, today: datetime.date) -> list[Task]:
    slots = slots_of(duties(user, council, role), today, include_done=False)
    if not slots:
        return []
    late = sum(slot.overdue for slot in slots)
    label = plural(
        len(slots), "valeur d'indicateur à renseigner", "valeurs d'indicateurs à renseigner"
    )
    return [Task(label, len(slots), reverse("steering:my_reporting", args=[council.pk]), late)]


def values_to_validate(council: Council, strategies: list[Strategy]) -> list[Task]:
    counts = Counter(
        Measurement.objects.filter(status=MeasurementStatus.SUBMITTED)
        .filter(
            Q(action_indicator__action__objective__axis__strategy__in=strategies)
            | Q(objective_indicator__objective__axis__strategy__in=strategies)
        )
        .values_list(
            "action_indicator__action__objective__axis__strategy",
            "objective_indicator__objective__axis__strategy",
        )
    )
    by_strategy: Counter[int] = Counter()
    for (via_action, via_objective), n in counts.items():
        by_strategy[via_action or via_objective] += n
    return [
        Task(
            plural(n, "valeur transmise à valider", "valeurs transmises à valider"),
            n,
            reverse("steering:values", args=[strategy_id]),
        )
        for strategy_id, n in sorted(by_strategy.items())
    ]


def remarks_to_answer(council: Council) -> list[Task]:
    rounds = (
        Remark.objects.filter(review_round__strategy__council=council, status=RemarkStatus.OPEN)
        .values("review_round", "review_round__version__number")
        .annotate(n=Count("pk"))
        .order_by("review_round")
    )
    return [
        Task(
            plural(r["n"], "remarque de partenaire", "remarques de partenaires")
            + f" à trancher (version {r['review_round__version__number']})",
            r["n"],
            reverse("strategy:review", args=[r["review_round"]]),
        )
        for r in rounds
    ]


def reviews_to_write(user: User, council: Council, today: datetime.date) -> list[Task]:
    rounds = ReviewRound.objects.filter(
        strategy__council=council, reviewers=user, closed_at__isnull=True, deadline__gte=today
    ).select_related("version")
    return [
        Task(
            f"Relecture de la version {r.version.number}, avant le {r.deadline:%d/%m/%Y}",
            1,
            reverse("strategy:review", args=[r.pk]),
        )
        for r in rounds
    ]


def signatures_awaited(
    council: Council, role: str, organisations: set[int], strategies: list[Strategy]
) -> list[Task]:
    """A deliberated strategy waits for its signatures: the coordinator records them; a member
    organisation of the council that has not signed yet is told so."""
    deliberated = [s for s in strategies if s.status == Status.DELIBERATED]
    if not deliberated:
        return []
    if can_edit_council(role):
        return [
            Task(
                f"Signatures à recueillir : « {s.title} »",
                1,
                reverse("strategy:adoption", args=[s.pk]),
            )
            for s in deliberated
        ]
    members = set(
        CouncilMember.objects.filter(council=council, organisation__in=organisations).values_list(
            "organisation", flat=True
        )
    )
    signed = set(
        Signature.objects.filter(strategy__in=deliberated, organisation__in=members).values_list(
            "strategy", "organisation"
        )
    )
    tasks = []
    for strategy in deliberated:
        missing = [o for o in members if (strategy.pk, o) not in signed]
        if missing:
            tasks.append(
                Task(
                    f"Signature de votre organisation attendue : « {strategy.title} »",
                    len(missing),
                    strategy.get_absolute_url(),
                )
            )
    return tasks


def decisions_to_follow(
    council: Council, role: str, organisations: set[int], today: datetime.date
) -> list[Task]:
    decisions = plenary_decisions(council).filter(status=DecisionStatus.OPEN)
    if not can_edit_council(role):
        decisions = decisions.filter(owner__in=organisations)
    figures = decisions.aggregate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    if not figures["n"]:
        return []
    label = (
        plural(figures["n"], "décision à suivre", "décisions à suivre")
        if can_edit_council(role)
        else plural(
            figures["n"],
            "décision dont votre organisation assure le suivi",
            "décisions dont votre organisation assure le suivi",
        )
    )
    return [
        Task(label, figures["n"], reverse("councils:decisions", args=[council.pk]), figures["late"])
    ]


def charters_to_sign(user: User, council: Council) -> list[Task]:
    seats = FormationMember.objects.filter(
        user=user,
        formation__council=council,
        formation__kind=FormationKind.WORKING_GROUP,
        charter_signed_on__isnull=True,
    ).select_related("formation")
    return [
        Task(
            f"Charte à signer : {seat.formation.name}",
            1,
            reverse("councils:charter", args=[seat.formation_id]),
        )
        for seat in seats
    ]


def appraisals_to_validate(council: Council) -> list[Task]:
    drafts = (
        Appraisal.objects.filter(
            validated_at__isnull=True, action__objective__axis__strategy__council=council
        )
        .values("action__objective")
        .annotate(n=Count("pk"))
        .order_by("action__objective")
    )
    return [
        Task(
            plural(
                d["n"],
                "appréciation de fiche action à valider",
                "appréciations de fiches action à valider",
            ),
            d["n"],
            reverse("evaluation:objective", args=[d["action__objective"]]) + "#fiches",
        )
        for d in drafts
    ]


def appraisals_to_write(
    council: Council, organisations: set[int], strategies: list[Strategy], today: datetime.date
) -> list[Task]:
    """The fiches the person's organisations lead, not yet appraised for last year."""
    year = today.year - 1
    running = [s for s in strategies if s.starts_on.year <= year <= s.ends_on.year]
    if not organisations or not running:
        return []
    actions = (
        Action.objects.filter(objective__axis__strategy__in=running, lead__in=organisations)
        .exclude(appraisals__year=year)
        .only("pk", "title", "objective_id")
    )
    return [
        Task(
            f"Appréciation {year} à rédiger : « {action.title} »",
            1,
            reverse("evaluation:objective", args=[action.objective_id]) + "#fiches",
        )
        for action in actions
    ]


def obligations_due(council: Council, today: datetime.date) -> list[Task]:
    tasks = []
    year = today.year - 1
    if not YearlyReturn.objects.filter(council=council, year=year).exists():
        tasks.append(
            Task(
                f"Rapport annuel d'activité {year} à envoyer à la préfecture",
                1,
                reverse("obligations:yearly_return", args=[council.pk, year]),
            )
        )
    verdicts = Counter(finding.verdict for finding in check(council, today))
    unmet = verdicts[Verdict.MISSING] + verdicts[Verdict.LATE]
    if unmet:
        tasks.append(
            Task(
                plural(unmet, "obligation légale non remplie", "obligations légales non remplies"),
                unmet,
                reverse("obligations:council", args=[council.pk]),
                verdicts[Verdict.LATE],
            )
        )
    return tasks


def strategy_summary(strategies: list[Strategy]) -> StrategySummary | None:
    in_force = [s for s in strategies if s.status in IN_FORCE]
    if not in_force:
        return None
    strategy = max(in_force, key=lambda s: s.starts_on)
    figures = (
        Strategy.objects.filter(pk=strategy.pk)
        .annotate(
            n_axes=Count("axes", distinct=True),
            n_objectives=Count("axes__objectives", distinct=True),
            n_actions=Count("axes__objectives__actions", distinct=True),
            n_done=Count(
                "axes__objectives__actions",
                filter=Q(axes__objectives__actions__status=ActionStatus.DONE),
                distinct=True,
            ),
        )
        .values("n_axes", "n_objectives", "n_actions", "n_done")
        .get()
    )
    return StrategySummary(
        strategy,
        axes=figures["n_axes"],
        objectives=figures["n_objectives"],
        actions=figures["n_actions"],
        actions_done=figures["n_done"],
    )


def council_todo(
    user: User, council: Council, role: str, organisations: set[int], today: datetime.date
) -> CouncilTodo:
    todo = CouncilTodo(council, role)
    strategies = list(
        Strategy.objects.filter(council=council).only(
            "pk", "title", "status", "starts_on", "ends_on", "council_id"
        )
    )
    reporting = [s for s in strategies if s.status in REPORTING_STATUSES]
    tasks = todo.tasks
    tasks += charters_to_sign(user, council)
    if role in (Role.COORDINATOR, Role.PARTNER, "admin"):
        tasks += values_to_report(user, council, role, today)
    if can_edit_council(role):
        tasks += values_to_validate(council, reporting)
        tasks += remarks_to_answer(council)
        tasks += appraisals_to_validate(council)
    else:
        tasks += reviews_to_write(user, council, today)
        if role == Role.PARTNER:
            tasks += appraisals_to_write(council, organisations, reporting, today)
    tasks += signatures_awaited(council, role, organisations, strategies)
    tasks += decisions_to_follow(council, role, organisations, today)
    if role == Role.COORDINATOR:
        tasks += obligations_due(council, today)
    if role == Role.READER or not tasks:
        todo.summary = strategy_summary(strategies)
    return todo


def todos(
    user: User, councils: list[tuple[Council, str]], today: datetime.date
) -> list[CouncilTodo]:
    organisations = organisations_of(user)
    return [council_todo(user, council, role, organisations, today) for council, role in councils]
