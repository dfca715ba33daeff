"""The tableau de bord's statuses computed once per version of the data (stspd/core/cache.py):
a cached page does fewer queries, and a change through the platform shows at the next request."""

import re

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stspd.steering.dashboard import dashboard_data
from stspd.steering.models import Measurement
from stspd.steering.reporting import validate
from stspd.strategy.enums import StatusMethod
from stspd.strategy.models import ObjectiveIndicator


def without_token(response) -> str:  # type: ignore[no-untyped-def]
    """The page but its CSRF token (the logout form's), which changes at each request."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_statuses_are_read_from_the_cache_with_fewer_queries(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    with CaptureQueriesContext(connection) as computed:
        first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert len(cached) < len(computed)
    assert without_token(again) == without_token(first)


def test_a_settings_change_shows_at_the_next_request(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    other = next(m for m in StatusMethod if m != world.strategy.status_method)
    assert f"la méthode « {other.label} »" not in client.get(url).content.decode()
    response = client.post(
        reverse("steering:dashboard_settings", args=[world.strategy.pk]),
        {"status_method": other, "status_tolerance": "10", "stale_periods": "2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert f"la méthode « {other.label} »" in client.get(url).content.decode()


def fresh(strategy) -> str:  # type: ignore[no-untyped-def]
    """The statuses' part of the page computed now, without the cache."""
    data = dashboard_data(strategy.pk)
    return render_to_string(
        "steering/dashboard/_body.html", {"strategy": data.strategy, "data": data}
    )


def test_a_validated_value_shows_at_the_next_request(world, login) -> None:  # type: ignore[no-untyped-def]
    from stspd.steering.tests.test_dashboard import definition, measure, months_before

    client = login(world.coordinator)
    url = reverse("steering:dashboard", args=[world.strategy.pk])
    use = ObjectiveIndicator.objects.create(
        objective=world.objective, definition=definition(world.council, "Médiations réalisées")
    )
    start = months_before(timezone.localdate(), 1)
    value = measure(use, start, 17, status="submitted", by=world.coordinator)
    before = client.get(url).context["body"]
    assert before == fresh(world.strategy)
    validate(Measurement.objects.get(pk=value.pk), by=world.coordinator)
    after = client.get(url).context["body"]
    assert after != before
    assert after == fresh(world.strategy)
