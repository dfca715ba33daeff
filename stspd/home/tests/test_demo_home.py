"""Each demo login's home: what it must do, counted independently from the demo's data."""

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.models import Membership, User
from stspd.councils.enums import DecisionStatus
from stspd.councils.models import Council, Decision, FormationMember
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.strategy.enums import Status
from stspd.strategy.models import Action, Objective, Strategy

DOMAIN = "demo.stspd.fr"


def home(client, who: str):  # type: ignore[no-untyped-def]
    client.force_login(User.objects.get(email=f"{who}@{DOMAIN}"))
    response = client.get("/")
    assert response.status_code == 200
    return response


def tasks_by_url(todo) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found: dict[str, int] = {}
    for task in todo.tasks:
        found[task.url] = found.get(task.url, 0) + task.count
    return found


def test_each_demo_login_sees_what_it_must_do(db, client) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    today = timezone.localdate()
    cispd = Council.objects.get(epci__siren="200023414")
    strategy = Strategy.objects.get(council=cispd)

    # The coordinator: the values partners sent, the open decisions, the obligations.
    response = home(client, "coordination")
    (todo,) = [t for t in response.context["todos"] if t.council == cispd]
    tasks = tasks_by_url(todo)
    submitted = (
        Measurement.objects.filter(status=MeasurementStatus.SUBMITTED)
        .filter(action_indicator__action__objective__axis__strategy=strategy)
        .count()
        + Measurement.objects.filter(status=MeasurementStatus.SUBMITTED)
        .filter(objective_indicator__objective__axis__strategy=strategy)
        .count()
    )
    assert submitted > 0
    assert tasks[reverse("steering:values", args=[strategy.pk])] == submitted
    open_decisions = (
        Decision.objects.filter(meeting__formation__council=cispd, status=DecisionStatus.OPEN)
        .exclude(meeting__formation__kind="working_group")
        .count()
    )
    assert tasks[reverse("councils:decisions", args=[cispd.pk])] == open_decisions
    assert reverse("obligations:council", args=[cispd.pk]) in tasks
    page = response.content.decode()
    assert f'href="{reverse("steering:values", args=[strategy.pk])}"' in page

    # A partner: the values of the fiches its organisation leads, as its reporting page counts.
    response = home(client, "partenaire")
    (todo,) = response.context["todos"]
    reporting = client.get(reverse("steering:my_reporting", args=[cispd.pk])).context
    url = reverse("steering:my_reporting", args=[cispd.pk])
    assert tasks_by_url(todo)[url] == len(reporting["to_do"]) > 0
    (task,) = [t for t in todo.tasks if t.url == url]
    assert task.late == reporting["n_overdue"]

    # The association leads one fiche: its appraisal of last year is to write.
    association = User.objects.get(email=f"association@{DOMAIN}")
    led = Action.objects.filter(
        objective__axis__strategy=strategy,
        lead__in=Membership.objects.filter(user=association).values("organisation"),
    ).exclude(appraisals__year=today.year - 1)
    assert led.count() == 1
    response = home(client, "association")
    (todo,) = response.context["todos"]
    (task,) = [t for t in todo.tasks if "Appréciation" in t.label]
    assert led.get().title in task.label
    assert task.url == reverse("evaluation:objective", args=[led.get().objective_id]) + "#fiches"
    # The page it leads to lets the association write it.
    page = client.get(task.url).content.decode()
    assert reverse("evaluation:action_appraisal_add", args=[led.get().pk]) in page

    # A working group's member who has not signed: the charter.
    unsigned = FormationMember.objects.get(
        user__email=f"gt-non-signe@{DOMAIN}", charter_signed_on__isnull=True
    )
    response = home(client, "gt-non-signe")
    (todo,) = response.context["todos"]
    assert reverse("councils:charter", args=[unsigned.formation_id]) in tasks_by_url(todo)
    response = home(client, "gt-signe")
    assert not any("Charte" in t.label for t in response.context["todos"][0].tasks)

    # The elected official reads the strategy in force in a few figures.
    response = home(client, "lecteur")
    (todo,) = response.context["todos"]
    assert todo.summary.strategy == strategy and strategy.status == Status.IN_FORCE
    assert todo.summary.objectives == Objective.objects.filter(axis__strategy=strategy).count()
    assert todo.summary.actions == Action.objects.filter(objective__axis__strategy=strategy).count()
    assert reverse("steering:dashboard", args=[strategy.pk]) in response.content.decode()

    # The State's agents: their views.
    assert reverse("obligations:departement", args=["76"]) in (
        home(client, "prefecture").content.decode()
    )
    assert reverse("obligations:national") in home(client, "national").content.decode()
