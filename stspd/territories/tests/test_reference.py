from django.core.management import call_command

from stspd.councils.territory_views import search_territories
from stspd.territories.importer import import_cog
from stspd.territories.models import Commune, Departement, Epci, FormerCommuneCode, Region
from stspd.territories.search import search_key


def test_search_key_folds_accents_case_and_punctuation() -> None:
    assert search_key("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert search_key("ÎLE-DE-BRÉHAT") == "ile de brehat"


def test_the_shipped_reference_loads_every_commune_and_reloads_safely(db) -> None:  # type: ignore[no-untyped-def]
    report = import_cog()
    assert 34_900 < Commune.objects.filter(kind="commune").count() < 35_100
    assert Commune.objects.filter(kind="arrondissement").count() == 45
    assert Region.objects.filter(code="28").get().name == "Normandie"
    assert Departement.objects.get(code="2A").name == "Corse-du-Sud"

    rouen = Commune.objects.select_related("epci", "departement__region").get(code="76540")
    assert rouen.name == "Rouen"
    assert rouen.departement.code == "76"
    assert rouen.departement.region.name == "Normandie"
    assert rouen.epci is not None and rouen.epci.siren == "200023414"
    assert rouen.population is not None and 100_000 < rouen.population < 130_000
    metropole = Epci.objects.get(siren="200023414")
    assert metropole.communes.count() == 71

    # Arrondissements point at their city, which is never summed with them.
    marseille_1 = Commune.objects.get(code="13201")
    assert marseille_1.parent is not None and marseille_1.parent.code == "13055"

    # Former codes of communes merged since point at the commune that took them over.
    assert report.former_codes == FormerCommuneCode.objects.count() == 4_240
    le_heron = FormerCommuneCode.objects.select_related("commune").get(code="76358")
    assert (le_heron.name, le_heron.commune.code) == ("Le Héron", "76455")
    assert le_heron.commune.name == "Morville-le-Héron"
    assert not Commune.objects.filter(code__in=FormerCommuneCode.objects.values("code")).exists()

    # Re-running changes nothing and duplicates nothing.
    again = import_cog()
    assert again.communes == report.communes == Commune.objects.count()
    assert again.former_codes == FormerCommuneCode.objects.count() == 4_240


def test_import_cog_command_reports_what_it_loaded(db, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("import_cog")
    out = capsys.readouterr().out
    assert "communes et arrondissements municipaux chargés" in out


def test_search_is_accent_and_case_insensitive(db) -> None:  # type: ignore[no-untyped-def]
    import_cog()
    results = search_territories("saint etienne")
    names = [c.name for c in results["communes"]]
    assert "Saint-Étienne" in names
    assert "Saint-Étienne-du-Rouvray" in names
    assert names[0] == "Saint-Étienne"  # the largest first

    assert [c.code for c in search_territories("76575")["communes"]] == ["76575"]
    assert "Métropole Rouen Normandie" in [e.name for e in search_territories("ROUEN")["epcis"]]
    assert [d.code for d in search_territories("seine maritime")["departements"]] == ["76"]
    assert search_territories("   ")["communes"] == []


def test_search_page_lists_matches(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.partner).get("/territoires/?q=SAINT-etienne")
    assert response.status_code == 200
    assert 'href="/territoires/communes/76575/"' in response.content.decode()


def test_search_page_says_when_nothing_matches(world, login) -> None:  # type: ignore[no-untyped-def]
    response = login(world.partner).get("/territoires/?q=zzzzz")
    assert "Aucun territoire ne correspond à « zzzzz »" in response.content.decode()
