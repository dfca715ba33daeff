"""The strategy as JSON: download, `stspd export-strategy`, `stspd import-strategy`."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from stspd.accounts.models import Organisation
from stspd.audit.models import Event
from stspd.indicators.models import IndicatorDefinition
from stspd.observatory.models import Diagnostic
from stspd.strategy.documents.json_io import JsonRejected, import_strategy
from stspd.strategy.models import Action, Strategy
from stspd.strategy.snapshot import SCHEMA, snapshot

from .test_documents import enrich


def comparable(data: dict) -> dict:  # type: ignore[type-arg]
    """What must differ between two instances: database ids of diagnostic sections."""
    data = json.loads(json.dumps(data))
    for section in (data.get("diagnostic") or {}).get("sections", []):
        section.pop("key")
    return data


def test_download_is_the_snapshot(world, login):  # type: ignore[no-untyped-def]
    response = login(world.reader).get(reverse("strategy:document_json", args=[world.strategy.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == snapshot(world.strategy.pk)


def test_round_trip_into_an_emptied_database_gives_an_identical_strategy(world, tmp_path):  # type: ignore[no-untyped-def]
    """Export, delete the strategy, the diagnostic, and the organisation and own indicator only
    it used; import: everything is created again, identical but for the sections' ids."""
    landlord, own = enrich(world)
    before = snapshot(world.strategy.pk)
    path = tmp_path / "strategie.json"
    call_command("export_strategy", str(world.strategy.pk), str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == SCHEMA
    Strategy.objects.all().delete()
    Diagnostic.objects.all().delete()
    landlord.delete()
    own.delete()
    call_command("import_strategy", str(path), council=world.council.pk)
    strategy = Strategy.objects.get()
    assert comparable(snapshot(strategy.pk)) == comparable(before)
    assert Organisation.objects.filter(name="Habitat 76").exists()
    assert IndicatorDefinition.objects.get(name="Signalements au bailleur").council == world.council
    assert Event.objects.filter(verb="imported", object_id=str(strategy.pk)).exists()


def test_import_into_a_fresh_council_of_another_territory(world, tmp_path, capsys):  # type: ignore[no-untyped-def]
    enrich(world)
    before = snapshot(world.strategy.pk)
    path = tmp_path / "strategie.json"
    call_command("export_strategy", str(world.strategy.pk), str(path))
    call_command("import_strategy", str(path), council=world.other_council.pk)
    assert "importée dans CLSPD du Havre" in capsys.readouterr().out
    copy = Strategy.objects.get(council=world.other_council)
    after = comparable(snapshot(copy.pk))
    assert after.pop("council")["name"] == "CLSPD du Havre"
    expected = comparable(before)
    expected.pop("council")
    assert after == expected
    # The indicator of the observatory is the same row, matched by its label.
    use = copy.axes.first().objectives.get().indicators.get()
    assert use.definition.observatory_indicator == world.indicator
    # The own indicator is the other council's own, not the first council's.
    assert IndicatorDefinition.objects.filter(name="Signalements au bailleur").count() == 2


def test_bad_values_are_all_named_by_their_json_path_and_nothing_is_written(world):  # type: ignore[no-untyped-def]
    data = snapshot(world.strategy.pk)
    action = data["axes"][0]["objectives"][0]["actions"][0]
    action["budget"][0]["planned"] = "-15000"
    action["starts_on"] = "2026-13-01"
    action["communes"] = ["99999"]
    action["partners"] = [{"organisation": {"name": "X"}, "role": "boss"}]
    data["axes"][0]["title"] = ""
    strategies, organisations = Strategy.objects.count(), Organisation.objects.count()
    with pytest.raises(JsonRejected) as refused:
        import_strategy(data, world.other_council, by=None)
    paths = [error.split(" : ")[0] for error in refused.value.errors]
    base = "$.axes[0].objectives[0].actions[0]"
    assert paths == [
        "$.axes[0].title",
        f"{base}.starts_on",
        f"{base}.partners[0].organisation.kind",
        f"{base}.partners[0].role",
        f"{base}.budget[0].planned",
        f"{base}.communes[0]",
    ]
    assert refused.value.errors[4] == (
        f'{base}.budget[0].planned : « "-15000" » — attendu : Un montant ne peut pas être négatif.'
    )
    assert Strategy.objects.count() == strategies and Organisation.objects.count() == organisations
    assert not Action.objects.filter(objective__axis__strategy__council=world.other_council)


def test_command_reports_errors_and_refuses_other_schemas(world, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "autre.json"
    path.write_text(json.dumps({"schema": "autre/2"}), encoding="utf-8")
    with pytest.raises(CommandError, match='attendu : "stspd-strategy/1"'):
        call_command("import_strategy", str(path), council=world.other_council.pk)
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(CommandError, match="pas du JSON lisible"):
        call_command("import_strategy", str(path), council=world.other_council.pk)
    with pytest.raises(CommandError, match="Aucune stratégie"):
        call_command("export_strategy", "999999", str(path))


def test_the_import_previews_every_element_it_would_create_and_stores_nothing(  # type: ignore[no-untyped-def]
    world, tmp_path, capsys
):
    enrich(world)
    path = tmp_path / "strategie.json"
    call_command("export_strategy", str(world.strategy.pk), str(path))
    strategies, events = Strategy.objects.count(), Event.objects.count()
    organisations = Organisation.objects.count()
    call_command("import_strategy", str(path), council=world.other_council.pk, apercu=True)
    out = capsys.readouterr().out
    assert Strategy.objects.count() == strategies and Event.objects.count() == events
    assert Organisation.objects.count() == organisations
    lines = [line for line in out.splitlines() if line.startswith("  + ")]
    data = json.loads(path.read_text(encoding="utf-8"))
    sections = len(data["diagnostic"]["sections"]) if data["diagnostic"] else 0
    axes = data["axes"]
    objectives = [o for a in axes for o in a["objectives"]]
    actions = [x for o in objectives for x in o["actions"]]
    uses = [u for o in objectives for u in o["indicators"]]
    # The other council has no diagnostic: the file's would be imported with its sections.
    assert len(lines) == sections + len(axes) + len(objectives) + len(actions) + len(uses)
    assert f"  + Axe 1 « {axes[0]['title']} »" in lines
    assert any(line.startswith("  + Fiche action 1.1.1 «") for line in lines)
    assert "Rien n'est importé (aperçu)" in out
