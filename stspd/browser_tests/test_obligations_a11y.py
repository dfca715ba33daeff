"""The obligations' pages and the State's views, with content, checked by axe-core."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from stspd.funding.models import Grant, Payment
from stspd.funding.tests.helpers import make_application, make_call
from stspd.obligations.models import Agreement, MeetingItem, PlanPriority, YearlyReturn
from stspd.obligations.yearly import figures
from stspd.territories.models import CommuneShape

from .conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_obligations_and_state_pages_have_no_accessibility_violation(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, client
) -> None:
    MeetingItem.objects.create(meeting=world.plenary_meeting, kind="briefing", note="Observatoire")
    agreement = Agreement.objects.create(
        council=world.council,
        kind="coordination",
        title="Convention de coordination",
        parties="Maire\nPréfet",
        signed_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2025, 1, 10),
    )
    agreement.actions.add(world.action)
    YearlyReturn.objects.create(
        council=world.council,
        year=2025,
        coordination_fte=1,
        situations_examined=3,
        figures=figures(
            world.council,
            2025,
            coordination_fte=Decimal(1),
            situations_examined=3,
            today=datetime.date(2026, 1, 15),
        ),
        sent_at=timezone.now(),
    )
    PlanPriority.objects.create(
        departement=world.free_commune.departement,
        plan="Plan départemental 2024-2027",
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        code="1",
        label="Prévenir la délinquance des mineurs",
    )
    ring = [[1.0, 49.4], [1.1, 49.4], [1.1, 49.5], [1.0, 49.4]]
    CommuneShape.objects.create(
        commune=world.free_commune, geometry={"type": "Polygon", "coordinates": [ring]}, source="t"
    )
    # A granted and partly paid FIPD application, so that the State's views show figures.
    granted = make_application(world, make_call(2025))
    grant = Grant.objects.create(
        application=granted,
        programme=granted.programme,
        amount=Decimal("9000.50"),
        decided_on=datetime.date(2025, 6, 1),
        report_due_on=datetime.date(2026, 6, 30),
    )
    Payment.objects.create(grant=grant, amount=Decimal("4000"), paid_on=datetime.date(2025, 7, 1))
    pages = {
        "coordinator": [
            reverse("obligations:council", args=[world.council.pk]),
            reverse("obligations:item_add", args=[world.council.pk]),
            reverse("obligations:agreements", args=[world.council.pk]),
            reverse("obligations:agreement_add", args=[world.council.pk]),
            reverse("obligations:yearly_return", args=[world.council.pk, 2025]),
            reverse("obligations:yearly_return", args=[world.council.pk, 2026]),
            reverse("obligations:coverage", args=[world.council.pk]),
            reverse("obligations:national_axes", args=[world.action.pk]),
        ],
        "prefecture_agent": [
            reverse("obligations:departement", args=["76"]),
            reverse("obligations:plan", args=["76"]),
        ],
        "national_agent": [reverse("obligations:national")],
    }
    for who, urls in pages.items():
        client.force_login(getattr(world, who))
        cookie = client.cookies["sessionid"].value
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            assert_accessible(page, fail_on=("minor", "moderate", "serious", "critical"))
