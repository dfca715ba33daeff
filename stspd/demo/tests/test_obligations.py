"""The demo's obligations: Seine-Maritime's communes that must have a council and the demo
councils covering them, one obligation late, the 2025 returns equal to the database's counts,
and the State's agents among the logins."""

import datetime

from django.core.management import call_command
from django.urls import reverse

from stspd.councils.enums import FormationKind
from stspd.councils.models import Council, Formation, Meeting
from stspd.demo.councils import DEMO_PASSWORD
from stspd.demo.obligations import NATIONAL_EMAIL, PREFECTURE_EMAIL, RETURN_YEAR
from stspd.obligations.check import Verdict, check
from stspd.obligations.models import ActionAxisTag, ActionPlanTag, YearlyReturn
from stspd.obligations.territory import required_communes
from stspd.strategy.models import Action
from stspd.territories.models import Commune, Departement


def test_the_demo_obligations_returns_and_state_views(db, client) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    cispd = Council.objects.get(epci__siren="200023414")
    clspd = Council.objects.get(commune__code="76575")
    lehavre = Council.objects.get(commune__code="76351")

    # Seine-Maritime: the communes that must have a council, and who covers them.
    dep = Departement.objects.get(code="76")
    rows = required_communes(dep, datetime.date.today())
    metropole = set(Commune.objects.filter(epci=cispd.epci).values_list("code", flat=True))
    for row in rows:
        expected = cispd if row.commune.code in metropole else None
        if row.commune.code == "76351":
            expected = lehavre
        if row.commune.code == "76575":  # its own CLSPD, coordinated with the CISPD
            expected = clspd
        assert row.council == expected, row.commune.name
    assert {"76540", "76351", "76217"} <= {row.commune.code for row in rows}
    qpv = {row.commune.code for row in rows if row.has_qpv}
    assert {"76540", "76351", "76575"} <= qpv  # Rouen, Le Havre, Saint-Étienne-du-Rouvray

    # One obligation late: the CLSPD's coordination agreement was not evaluated.
    late = [f for f in check(clspd) if f.verdict is Verdict.LATE]
    assert [f.rule.code for f in late] == ["coordination_agreement"]
    briefing = {f.rule.code: f for f in check(cispd)}["briefing"]
    assert briefing.verdict in (Verdict.MET, Verdict.LATE)

    # The 2025 returns' figures equal the database's counts.
    for council in (cispd, clspd):
        figures = YearlyReturn.objects.get(council=council, year=RETURN_YEAR).figures
        held = Meeting.objects.filter(formation__council=council, starts_at__year=RETURN_YEAR)
        assert figures["plenary_meetings"] == held.filter(formation__kind="plenary").count()
        assert figures["restricted_meetings"] == held.filter(formation__kind="restricted").count()
        assert (
            figures["working_group_meetings"]
            == held.filter(formation__kind=FormationKind.WORKING_GROUP).count()
        )
        assert (
            figures["working_groups"]
            == Formation.objects.filter(council=council, kind=FormationKind.WORKING_GROUP).count()
        )
    assert not YearlyReturn.objects.filter(council=lehavre).exists()
    assert (
        ActionPlanTag.objects.filter(action__objective__axis__strategy__council=cispd).count() == 3
    )
    tagged = ActionAxisTag.objects.filter(action__objective__axis__strategy__council=cispd)
    assert tagged.count() == Action.objects.filter(objective__axis__strategy__council=cispd).count()

    # The State's agents log in with the demo password and reach their views.
    assert client.login(email=PREFECTURE_EMAIL, password=DEMO_PASSWORD)
    page = client.get(reverse("obligations:departement", args=["76"]) + "?annee=2025")
    text = page.content.decode()
    assert page.status_code == 200
    for council in (cispd, clspd, lehavre):
        assert council.name in text
    assert "transmis le" in text and "non transmis" in text
    assert client.login(email=NATIONAL_EMAIL, password=DEMO_PASSWORD)
    page = client.get(reverse("obligations:national"))
    assert page.status_code == 200 and "Seine-Maritime" in page.content.decode()
    # Idempotent.
    call_command("demo")
    assert YearlyReturn.objects.count() == 2
