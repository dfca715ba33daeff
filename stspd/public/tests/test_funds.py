"""The public funds of an adopted strategy: its page and open data, at the strategy's stable
address; amounts that reconcile to the cent with the application, the evaluation's funds page
and the database; granted amounts only (nothing of an application that was not granted)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from stspd.accounts.models import User
from stspd.funding import workflow
from stspd.funding.models import Application, Grant, Payment, Programme
from stspd.funding.tests.helpers import make_application, make_call
from stspd.observatory.templatetags.french import euros
from stspd.strategy.models import BudgetLine, Strategy

from .helpers import publish

CENT = Decimal("0.01")


def text(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_demo_amounts_reconcile_to_the_cent_everywhere(db) -> None:  # type: ignore[no-untyped-def]
    """Application, evaluation funds page, public page, CSV and JSON against the database."""
    call_command("demo")
    strategy = Strategy.objects.get(council__epci__siren="200023414")
    council = strategy.council
    # Known answers, read from the database row by row.
    lines = {
        (line.action.key, line.funder, line.year): (line.planned, line.committed, line.spent)
        for line in BudgetLine.objects.filter(
            action__objective__axis__strategy=strategy
        ).select_related("action")
    }
    granted_apps = Application.objects.filter(
        action__objective__axis__strategy=strategy, grants__isnull=False
    ).distinct()
    grants = {
        a.pk: (
            sum((g.amount for g in Grant.objects.filter(application=a)), Decimal(0)),
            sum((p.amount for p in Payment.objects.filter(grant__application=a)), Decimal(0)),
        )
        for a in granted_apps
    }
    titles = {a.pk: a.title for a in granted_apps}
    assert len(lines) > 10 and len(grants) == 3  # 2025: two grants; 2026: one
    assert any(paid != granted for granted, paid in grants.values())  # a grant partly paid

    # 1. The application: its grants and payments, and its FIPD request the planned line.
    coordinator = User.objects.get(email__startswith="coordination@")
    staff = Client()
    staff.force_login(coordinator)
    for application in granted_apps:
        granted, paid = grants[application.pk]
        assert sum((g.amount for g in application.grants.all()), Decimal(0)) == granted
        assert sum((workflow.paid(g) for g in application.grants.all()), Decimal(0)) == paid
        key = (application.action.key, "fipd", application.call.year)
        assert application.fipd_requested == lines[key][0]
        page = staff.get(reverse("funding:application", args=[application.pk]))
        assert page.status_code == 200
        assert euros(granted) in page.content.decode()

    # 2. The evaluation's funds page.
    response = staff.get(reverse("evaluation:funds", args=[strategy.pk]))
    assert response.status_code == 200
    internal = response.context["funds"]
    assert {
        (row.action.key, line.funder, line.year): (line.planned, line.committed, line.spent)
        for row in internal.actions
        for line in row.lines
    } == lines
    assert {row.application.pk: (row.granted, row.paid) for row in response.context["grants"]} == (
        grants
    )

    # 3. The public page (anonymous), at the council's address and at the strategy's.
    visitor = Client()
    for url in (
        reverse("public:funds", args=[council.pk]),
        reverse("public:archive_funds", args=[council.pk, strategy.pk]),
    ):
        response = visitor.get(url)
        assert response.status_code == 200, url
        public = response.context["funds"]
        keys = {row.number: row.key for row in public.actions}
        assert {
            (line.key, line.funder, line.year): (line.planned, line.committed, line.spent)
            for line in public.lines
        } == lines
        assert sorted((g.project, g.granted, g.paid) for g in public.grants) == sorted(
            (titles[pk], granted, paid) for pk, (granted, paid) in grants.items()
        )
        assert public.total.planned == sum((v[0] for v in lines.values()), Decimal(0))
        assert public.total.committed == internal.total.committed
        assert public.total.spent == internal.total.spent
        page = response.content.decode()
        assert euros(public.total.planned) in page
        for granted, paid in grants.values():
            assert euros(granted) in page and euros(paid) in page

    # 4. The open data: CSV and JSON.
    rows = csv_rows(visitor.get(reverse("public:funds_csv", args=[council.pk])).content)
    budget = [r for r in rows if r["nature"] == "budget"]
    assert {
        (keys[r["numero_action"]], r["financeur_code"], int(r["annee"])): (
            r["prevu"],
            r["engage"],
            r["depense"],
        )
        for r in budget
    } == {k: tuple(text(v) for v in amounts) for k, amounts in lines.items()}
    assert len(budget) == len(lines)
    assert sorted(
        (r["projet"], r["accorde"], r["verse"]) for r in rows if r["nature"] == "subvention_etat"
    ) == sorted((titles[pk], text(g), text(p)) for pk, (g, p) in grants.items())
    data = json.loads(visitor.get(reverse("public:funds_json", args=[council.pk])).content)
    assert data["totaux"]["total"] == {
        name: text(sum((v[i] for v in lines.values()), Decimal(0)))
        for i, name in enumerate(("prevu", "engage", "depense"))
    }
    assert data["totaux"]["subventions_etat"] == {
        "accorde": text(sum((g for g, _ in grants.values()), Decimal(0))),
        "verse": text(sum((p for _, p in grants.values()), Decimal(0))),
    }
    assert len(data["lignes_budgetaires"]) == len(lines)
    # Not granted: no row (the grants above are the granted ones), and the council's
    # opinions (their reasons) stay inside.
    page = visitor.get(reverse("public:funds", args=[council.pk])).content.decode()
    reasons = [
        a.opinion.reason
        for a in Application.objects.filter(
            action__objective__axis__strategy=strategy, grants__isnull=True
        ).select_related("opinion")
        if a.opinion.reason
    ]
    assert reasons and not [reason for reason in reasons if reason in page]


def test_a_grant_and_its_payment_are_public_a_request_not_granted_is_not(world, client) -> None:  # type: ignore[no-untyped-def]
    strategy = publish(world)
    granted = make_application(world, make_call(2026), sheet={"title": "Médiation de nuit"})
    workflow.record_grant(
        granted,
        programme=Programme.objects.get(letter="D"),
        amount=Decimal("7500.25"),
        decided_on=datetime.date(2026, 6, 1),
        by=world.coordinator,
    )
    workflow.record_payment(
        granted.grants.get(),
        amount=Decimal("3000.10"),
        paid_on=datetime.date(2026, 7, 1),
        by=world.coordinator,
    )
    make_application(
        world, make_call(2025), sheet={"title": "Projet refusé secret"}, fipd=Decimal("4321.09")
    )
    url = reverse("public:archive_funds", args=[world.council.pk, strategy.pk])
    page = client.get(url).content.decode()
    assert "Médiation de nuit" in page
    assert euros(Decimal("7500.25")) in page and euros(Decimal("3000.10")) in page
    assert "Projet refusé secret" not in page and euros(Decimal("4321.09")) not in page
    assert euros(Decimal("10000")) not in page  # the granted project's own request
    data = json.loads(
        client.get(
            reverse("public:archive_funds_json", args=[world.council.pk, strategy.pk])
        ).content
    )
    assert data["subventions_etat"] == [
        {
            "financeur_code": "fipd",
            "annee": 2026,
            "numero_action": "1.1.1",
            "action": world.action.title,
            "projet": "Médiation de nuit",
            "accorde": "7500.25",
            "verse": "3000.10",
        }
    ]
    assert "Projet refusé secret" not in json.dumps(data, ensure_ascii=False)


def test_the_funds_page_answers_a_conditional_request_with_304(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    for name in ("public:funds", "public:funds_csv", "public:funds_json"):
        url = reverse(name, args=[world.council.pk])
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, name


def test_a_strategy_never_adopted_has_no_public_funds(world, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("public:funds", args=[world.council.pk])).status_code == 404
    url = reverse("public:archive_funds", args=[world.council.pk, world.strategy.pk])
    assert client.get(url).status_code == 404


def test_a_revision_in_progress_keeps_the_adopted_amounts_public(world, client) -> None:  # type: ignore[no-untyped-def]
    """The working copy of a revision (publish leaves the strategy in revision) is private: the
    public page and files show the adopted version's budget until the council adopts the new."""
    strategy = publish(world)
    BudgetLine.objects.filter(action=world.action).update(planned=Decimal("99999.99"))
    page = client.get(reverse("public:archive_funds", args=[world.council.pk, strategy.pk]))
    content = page.content.decode()
    assert euros(Decimal("15000")) in content and euros(Decimal("99999.99")) not in content
    rows = csv_rows(client.get(reverse("public:funds_csv", args=[world.council.pk])).content)
    assert [(r["nature"], r["financeur_code"], r["annee"], r["prevu"]) for r in rows] == [
        ("budget", "fipd", "2026", "15000.00")
    ]


def test_the_council_page_links_the_current_funds_the_archive_its_own(world, client) -> None:  # type: ignore[no-untyped-def]
    publish(world)
    council_page = client.get(reverse("public:council", args=[world.council.pk])).content.decode()
    assert f'href="{reverse("public:funds", args=[world.council.pk])}"' in council_page
    archive = reverse("public:archive", args=[world.council.pk, world.strategy.pk])
    archive_page = client.get(archive).content.decode()
    funds = reverse("public:archive_funds", args=[world.council.pk, world.strategy.pk])
    assert f'href="{funds}"' in archive_page
