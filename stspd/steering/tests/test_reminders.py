"""`stspd send-reminders`: one e-mail per person with the values due soon and overdue, once a
day; people without an address and actions without a reporter reported to the coordinator."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from stspd.accounts.models import Membership, Organisation
from stspd.audit.models import Event
from stspd.steering.enums import MeasurementStatus
from stspd.steering.reminders import send_reminders
from stspd.strategy.models import Action, ActionIndicator

from .reporting_helpers import in_force, measure, own_result, quarter


@pytest.fixture
def rw(world):  # type: ignore[no-untyped-def]
    return in_force(world)


def day_after_due(world, n: int, days: int) -> datetime.date:  # type: ignore[no-untyped-def]
    """`days` after quarter n's due date (the 15th of the month after it)."""
    start = quarter(world, n)
    due = datetime.date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 15)
    return due + datetime.timedelta(days=days)


def fill(world, upto: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, upto + 1):
        measure(world.use, quarter(world, n), 10)


def test_lead_gets_overdue_and_soon_due_values_in_one_email(rw) -> None:  # type: ignore[no-untyped-def]
    fill(rw, 1)  # T1 reported; T2 overdue; T3 due in 5 days
    today = day_after_due(rw, 3, -5)
    send_reminders(today)
    partner_mails = [m for m in mail.outbox if m.to == [rw.partner.email]]
    assert len(partner_mails) == 1
    body = partner_mails[0].body
    assert f"T2 {rw.last_year}" in body and "en retard, attendue depuis le" in body
    assert f"T3 {rw.last_year}" in body and "attendue le" in body
    assert f"T1 {rw.last_year}" not in body and f"T4 {rw.last_year}" not in body
    assert "(1 en retard)" in partner_mails[0].subject
    assert "/mes-indicateurs/" in body


def test_returned_values_are_reminded_with_their_reason(rw) -> None:  # type: ignore[no-untyped-def]
    fill(rw, 1)
    measure(
        rw.use,
        quarter(rw, 2),
        10,
        status=MeasurementStatus.RETURNED,
        review_comment="Préciser le samedi",
    )
    send_reminders(day_after_due(rw, 2, 3))
    body = next(m.body for m in mail.outbox if m.to == [rw.partner.email])
    assert "renvoyée pour correction" in body and "Préciser le samedi" in body


def test_second_run_the_same_day_sends_nothing(rw) -> None:  # type: ignore[no-untyped-def]
    today = day_after_due(rw, 1, 3)
    first = send_reminders(today)
    count = len(mail.outbox)
    assert count >= 1 and Event.objects.filter(verb="reminded").exists()
    second = send_reminders(today)
    assert len(mail.outbox) == count and not second.sent
    assert {u.pk for u in second.already} == {r.user.pk for r in first.sent}


def test_dry_run_sends_and_records_nothing(rw) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("send_reminders", "--dry-run", f"--date={day_after_due(rw, 1, 3)}", stdout=out)
    assert "Simulation" in out.getvalue() and rw.partner.email in out.getvalue()
    assert not mail.outbox and not Event.objects.filter(verb="reminded").exists()


def test_nothing_due_sends_nothing(rw) -> None:  # type: ignore[no-untyped-def]
    fill(rw, 4)
    send_reminders(day_after_due(rw, 4, -30))
    assert not mail.outbox


def test_objective_indicators_go_to_the_coordinator(rw) -> None:  # type: ignore[no-untyped-def]
    own_result(rw)
    fill(rw, 4)
    send_reminders(datetime.date(rw.last_year + 1, 1, 20))
    body = next(m.body for m in mail.outbox if m.to == [rw.coordinator.email])
    assert "Indicateur propre en victimes" in body and str(rw.last_year) in body
    assert not [m for m in mail.outbox if m.to == [rw.partner.email]]


def test_reporter_without_address_is_reported_to_the_coordinator(rw) -> None:  # type: ignore[no-untyped-def]
    type(rw.partner).objects.filter(pk=rw.partner.pk).update(email="")
    send_reminders(day_after_due(rw, 1, 3))
    coordinator = [m for m in mail.outbox if m.to == [rw.coordinator.email]]
    assert len(coordinator) == 1
    body = coordinator[0].body
    assert "Paul Girard n'a pas d'adresse électronique" in body
    assert f"Médiations réalisées — T1 {rw.last_year}" in body  # nothing lost
    assert all(m.to != [""] for m in mail.outbox)


def test_action_without_any_reporter_is_reported_to_the_coordinator(rw) -> None:  # type: ignore[no-untyped-def]
    orphan_lead = Organisation.objects.create(name="Association sans compte", kind="association")
    action = Action.objects.create(
        objective=rw.objective, title="Chantiers éducatifs", lead=orphan_lead
    )
    ActionIndicator.objects.create(action=action, definition=rw.use.definition)
    out, err = StringIO(), StringIO()
    call_command("send_reminders", f"--date={day_after_due(rw, 1, 3)}", stdout=out, stderr=err)
    body = next(m.body for m in mail.outbox if m.to == [rw.coordinator.email])
    assert "Fiche action « Chantiers éducatifs » (pilote : Association sans compte)" in body
    assert "personne ne peut renseigner ses valeurs" in body
    assert "envoyé" in out.getvalue()


def test_problems_go_to_the_command_report_when_no_coordinator_can_receive_them(rw) -> None:  # type: ignore[no-untyped-def]
    type(rw.partner).objects.filter(pk=rw.partner.pk).update(email="")
    type(rw.coordinator).objects.filter(pk=rw.coordinator.pk).update(is_active=False)
    err = StringIO()
    call_command(
        "send_reminders", f"--date={day_after_due(rw, 1, 3)}", stdout=StringIO(), stderr=err
    )
    assert "NON TRANSMIS" in err.getvalue() and "Paul Girard" in err.getvalue()


def test_a_partner_of_two_organisations_gets_one_email(rw) -> None:  # type: ignore[no-untyped-def]
    other = Organisation.objects.create(name="Bailleur", kind="bailleur")
    Membership.objects.create(user=rw.partner, organisation=other)
    action = Action.objects.create(objective=rw.objective, title="Gardiens", lead=other)
    ActionIndicator.objects.create(action=action, definition=rw.use.definition)
    send_reminders(day_after_due(rw, 1, 3))
    mails = [m for m in mail.outbox if m.to == [rw.partner.email]]
    assert len(mails) == 1 and "Gardiens" in mails[0].body and "Médiation de nuit" in mails[0].body
