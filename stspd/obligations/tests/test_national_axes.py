"""National strategies' axes as versioned data; fiches tagged; the coverage table."""

import datetime
import html

from django.urls import reverse

from stspd.audit.models import Event
from stspd.obligations.models import ActionAxisTag
from stspd.obligations.national import framework, framework_on, frameworks
from stspd.obligations.yearly import figures


def test_the_2020_strategy_has_4_axes_and_the_2025_one_5_announced() -> None:
    first, second = frameworks()
    assert (first.code, len(first.axes), first.announced) == ("snpd-2020-2024", 4, False)
    assert (second.code, len(second.axes), second.announced) == ("snpd-2025-2030", 5, True)
    assert second.status_label == "annoncés"
    assert framework_on(datetime.date(2023, 6, 1)) == first
    assert framework_on(datetime.date(2026, 6, 1)) == second


def test_tagging_a_fiche_fills_the_coverage_table_and_the_return(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coordinator)
    url = reverse("obligations:national_axes", args=[world.action.pk])
    events = Event.objects.count()
    # An axis the strategy does not have: a French message, nothing stored.
    response = client.post(url, {"cadre_1": ["9"]})
    assert "existe pas dans cette stratégie" in response.content.decode()
    assert not ActionAxisTag.objects.exists() and Event.objects.count() == events
    response = client.post(url, {"cadre_0": ["1"], "cadre_1": ["1", "3"]})
    assert response.status_code == 302
    assert set(world.action.national_axes.values_list("framework", "axis")) == {
        ("snpd-2020-2024", "1"),
        ("snpd-2025-2030", "1"),
        ("snpd-2025-2030", "3"),
    }
    assert Event.objects.filter(verb="updated", object_id=world.action.pk).exists()
    page = client.get(reverse("obligations:coverage", args=[world.council.pk])).content.decode()
    # The 2026 strategy is read against the 2025-2030 axes by default: announced.
    assert "annoncés" in page
    assert html.escape(framework("snpd-2025-2030").axes[2].label) in page
    assert page.count(">servi<") == 2 and "0 fiche sans axe" in page
    data = figures(
        world.council,
        2026,
        coordination_fte=None,
        situations_examined=None,
        today=datetime.date(2026, 12, 7),
    )
    counts = [row["actions"] for row in data["national_axes"]["axes"]]
    assert counts == [1, 0, 1, 0, 0]


def test_the_prefecture_agent_reads_the_coverage_without_editing(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.prefecture_agent)
    page = client.get(reverse("obligations:coverage", args=[world.council.pk]))
    assert page.status_code == 200
    assert reverse("obligations:national_axes", args=[world.action.pk]) not in page.content.decode()


def test_the_prefecture_agent_sets_the_plan_and_fiches_are_tagged_with_it(world, client) -> None:  # type: ignore[no-untyped-def]
    from stspd.obligations.models import ActionPlanTag, PlanPriority

    client.force_login(world.prefecture_agent)
    url = reverse("obligations:plan", args=["76"])
    plan = {
        "plan": "Plan départemental de prévention 2024-2027",
        "starts_on": "2024-01-01",
        "ends_on": "2023-12-31",
        "code": "1",
        "label": "Prévenir les violences intrafamiliales",
    }
    events = Event.objects.count()
    response = client.post(url, plan)
    assert "La fin du plan doit suivre son début." in response.content.decode()
    assert not PlanPriority.objects.exists() and Event.objects.count() == events
    assert client.post(url, plan | {"ends_on": "2027-12-31"}).status_code == 302
    priority = PlanPriority.objects.get()
    assert Event.objects.filter(verb="created", object_id=priority.pk).exists()
    # The same number twice in one plan: a French message, nothing stored.
    response = client.post(url, plan | {"ends_on": "2027-12-31", "label": "Autre"})
    assert "Ce plan a déjà une priorité de ce numéro." in response.content.decode()

    client.force_login(world.coordinator)
    tag_url = reverse("obligations:national_axes", args=[world.action.pk])
    assert "Prévenir les violences intrafamiliales" in client.get(tag_url).content.decode()
    assert client.post(tag_url, {"priorites": [str(priority.pk)]}).status_code == 302
    assert ActionPlanTag.objects.filter(action=world.action, priority=priority).exists()
    page = client.get(reverse("obligations:coverage", args=[world.council.pk])).content.decode()
    assert "1. Prévenir les violences intrafamiliales</td><td>1</td>" in page
    # Another département's agent does not reach this plan.
    client.force_login(world.national_agent)
    assert client.get(url).status_code == 403
