import re

from django.core.management import call_command

from stspd.accounts.models import User
from stspd.councils.models import Council, Formation, FormationMember
from stspd.demo.councils import DEMO_LOGINS, DEMO_PASSWORD


def test_the_demo_is_built_from_the_real_reference_once(db, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login.email in out
        assert User.objects.get(email=login.email).check_password(DEMO_PASSWORD)

    cispd = Council.objects.get(epci__siren="200023414")
    assert cispd.kind == "cispd"
    assert cispd.communes().count() == 71
    clspd = Council.objects.get(commune__code="76575")
    assert clspd.commune is not None and clspd.commune.epci == cispd.epci
    assert set(cispd.formations.values_list("kind", flat=True)) == {
        "plenary",
        "restricted",
        "working_group",
    }
    groups = Formation.objects.filter(council=cispd, kind="working_group")
    assert groups.count() == 2
    unsigned = FormationMember.objects.filter(formation__in=groups, charter_signed_on=None)
    assert unsigned.count() == 1
    assert cispd.members.count() >= 10

    call_command("demo")
    assert "Démonstration déjà en place." in capsys.readouterr().out
    assert Council.objects.count() == 3


def test_demo_logins_reach_their_pages(db, client) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    assert client.login(email="coordination@demo.stspd.fr", password=DEMO_PASSWORD)
    home = client.get("/").content.decode()
    assert "CISPD de la Métropole Rouen Normandie" in home
    assert client.login(email="exterieur@demo.stspd.fr", password=DEMO_PASSWORD)
    cispd = Council.objects.get(epci__siren="200023414")
    assert client.get(f"/conseils/{cispd.pk}/").status_code == 404


def test_the_demo_publishes_a_review_on_the_cispds_public_page(db, client) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    cispd = Council.objects.get(epci__siren="200023414")
    page = client.get(f"/public/{cispd.pk}/").content.decode()
    assert "Bilan annuel" in page
    [url] = re.findall(r'href="(/public/\d+/strategies/\d+/bilan-\d{4}\.pdf)"', page)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
