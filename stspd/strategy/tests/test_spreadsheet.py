"""The action plan's spreadsheet: export, offline edits, import back (all or nothing)."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from stspd.audit.models import Event
from stspd.strategy.documents.spreadsheet import (
    ACTIONS,
    BUDGET,
    INDICATORS,
    MILESTONES,
    PARTNERS,
    PlanRejected,
    SpreadsheetRefused,
    check_xlsx,
    export_plan,
    import_plan,
)
from stspd.strategy.enums import Status
from stspd.strategy.models import Action
from stspd.strategy.snapshot import snapshot

from .test_documents import enrich


def workbook_of(world, client=None):  # type: ignore[no-untyped-def]
    if client is None:
        data = export_plan(snapshot(world.strategy.pk))
    else:
        response = client.get(reverse("strategy:plan_xlsx", args=[world.strategy.pk]))
        assert response.status_code == 200
        data = response.content
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(workbook) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def column(sheet, header: str) -> int:  # type: ignore[no-untyped-def]
    return [cell.value for cell in sheet[1]].index(header) + 1


def upload(client, world, data: bytes, name: str = "plan.xlsx"):  # type: ignore[no-untyped-def]
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("strategy:plan_import", args=[world.strategy.pk]), {"fichier": file})


def test_export_has_clear_french_sheets_with_a_key_per_action(world, login):  # type: ignore[no-untyped-def]
    enrich(world)
    workbook = workbook_of(world, login(world.reader))
    assert workbook.sheetnames[:5] == [ACTIONS, PARTNERS, MILESTONES, BUDGET, INDICATORS]
    actions = workbook[ACTIONS]
    assert actions["A1"].value == "Clé de l'action"
    assert [row[0] for row in actions.iter_rows(min_row=2, values_only=True)] == [
        a.key for a in Action.objects.filter(objective__axis__strategy=world.strategy)
    ]
    budget = [row for row in workbook[BUDGET].iter_rows(min_row=2, values_only=True)]
    assert ("Bailleurs sociaux", "Habitat 76", 2027) in [row[2:5] for row in budget]
    milestone = workbook[MILESTONES]["D2"]
    assert (
        milestone.value == datetime.datetime(2026, 4, 1) and milestone.number_format == "DD/MM/YYYY"
    )


def test_unchanged_round_trip_gives_the_same_strategy_and_writes_no_event(world):  # type: ignore[no-untyped-def]
    enrich(world)
    before = snapshot(world.strategy.pk)
    events = Event.objects.count()
    report = import_plan(world.strategy, saved(workbook_of(world)), by=world.coordinator)
    assert report.unchanged == 3 and not (report.created or report.updated or report.deleted)
    assert snapshot(world.strategy.pk) == before
    assert Event.objects.count() == events


def test_round_trip_into_an_emptied_plan_gives_an_identical_strategy(world):  # type: ignore[no-untyped-def]
    """Export, delete every action (and their lines), import: the same strategy, same keys."""
    enrich(world)
    before = snapshot(world.strategy.pk)
    data = saved(workbook_of(world))
    Action.objects.filter(objective__axis__strategy=world.strategy).delete()
    assert snapshot(world.strategy.pk) != before
    report = import_plan(world.strategy, data, by=world.coordinator)
    assert len(report.created) == 3
    assert snapshot(world.strategy.pk) == before
    # One event for the whole import, one entry per fiche it brought back.
    [event] = Event.objects.filter(verb="imported", object_id=str(world.strategy.pk))
    assert sum(key.endswith("(ajout)") for key in event.changes) == 3


def test_offline_edits_create_update_and_delete_actions_with_their_events(world, login):  # type: ignore[no-untyped-def]
    enrich(world)
    client = login(world.coordinator)
    workbook = workbook_of(world, client)
    actions = workbook[ACTIONS]
    actions.cell(2, column(actions, "Intitulé")).value = "Médiation de nuit renforcée"
    deleted = actions.cell(4, column(actions, "Intitulé")).value
    actions.delete_rows(4)  # the second permanence
    new = [None, None, world.objective.key, None, "Vidéoprotection du parking", "Vols", "", ""]
    actions.append(
        [*new, "76540", "", "Préfecture de la Seine-Maritime", "01/02/2027", None, "Prévue"]
    )
    workbook[BUDGET].append([None, "Vidéoprotection du parking", "FIPD", "", 2027, 30000, 0, 0])
    workbook[PARTNERS].append([None, "Vidéoprotection du parking", "Habitat 76", "Contributeur"])
    for row in list(workbook[BUDGET].iter_rows(min_row=2)):
        if row[2].value == "Bailleurs sociaux":
            row[5].value = 9000
    response = upload(client, world, saved(workbook))
    assert response.status_code == 302
    preview = client.get(response["Location"]).context["preview"]
    response = client.post(response["Location"], {"basis": preview.basis, "confirmer": "oui"})
    assert response.status_code == 302
    titles = list(
        Action.objects.filter(objective__axis__strategy=world.strategy).values_list(
            "title", flat=True
        )
    )
    assert "Médiation de nuit renforcée" in titles and deleted not in titles
    added = Action.objects.get(title="Vidéoprotection du parking")
    assert added.objective == world.objective and added.position == 2
    assert added.starts_on == datetime.date(2027, 2, 1) and added.lead == world.organisation
    assert [c.code for c in added.communes.all()] == ["76540"]
    assert added.budget_lines.get().planned == Decimal("30000")
    assert added.partners.get().organisation.name == "Habitat 76"
    line = world.action.budget_lines.get(funder="landlord")
    assert line.planned == Decimal("9000")
    [event] = Event.objects.filter(verb="imported", object_id=str(world.strategy.pk))
    assert not Event.objects.filter(object_type="strategy.action").exists()
    renamed = next(k for k in event.changes if k.endswith("— Intitulé"))
    assert event.changes[renamed] == [
        "Médiation de nuit dans les quartiers",
        "Médiation de nuit renforcée",
    ]
    budget = next(k for k in event.changes if k.endswith("— Budget"))
    assert "9\u202f000" in event.changes[budget][1]
    assert any(k.endswith("(suppression)") and deleted in k for k in event.changes)
    assert any(k.endswith("(ajout)") and "Vidéoprotection" in k for k in event.changes)


def test_a_file_with_errors_is_refused_whole_with_every_bad_row_listed(world, login):  # type: ignore[no-untyped-def]
    enrich(world)
    before = snapshot(world.strategy.pk)
    events = Event.objects.count()
    client = login(world.coordinator)
    workbook = workbook_of(world, client)
    actions = workbook[ACTIONS]
    actions.cell(2, column(actions, "Intitulé")).value = "Titre qui ne doit pas passer"
    actions.cell(2, column(actions, "Pilote")).value = "Organisation fantôme"
    actions.cell(3, column(actions, "Début")).value = "31/02/2026"
    actions.cell(3, column(actions, "Clé de l'objectif")).value = "pas-une-cle"
    actions.cell(4, column(actions, "Communes (codes INSEE)")).value = "76351"
    budget = workbook[BUDGET]
    budget.cell(2, column(budget, "Prévu (€)")).value = -100
    budget.cell(3, column(budget, "Financeur")).value = "Mécène inconnu"
    budget.cell(3, column(budget, "Année")).value = "l'an prochain"
    workbook[MILESTONES].append(
        ["00000000-0000-0000-0000-000000000000", "", "Jalon orphelin", "01/01/2027"]
    )
    workbook[INDICATORS].append([world.action.key, "", "", "Indicateur qui n'existe pas", "-1"])
    response = upload(client, world, saved(workbook))
    assert response.status_code == 400
    errors = {
        (e.sheet, e.line, e.column): (e.value, e.expected) for e in response.context["errors"]
    }
    assert set(errors) == {
        (ACTIONS, 2, "Pilote"),
        (ACTIONS, 3, "Début"),
        (ACTIONS, 3, "Clé de l'objectif"),
        (ACTIONS, 4, "Communes (codes INSEE)"),
        (BUDGET, 2, "Prévu (€)"),
        (BUDGET, 3, "Financeur"),
        (BUDGET, 3, "Année"),
        (MILESTONES, 4, "Clé de l'action"),
        (INDICATORS, 4, "Indicateur"),
        (INDICATORS, 4, "Cible"),
    }
    assert "organisation inconnue" in errors[(ACTIONS, 2, "Pilote")][1]
    assert errors[(ACTIONS, 3, "Début")] == ("31/02/2026", "une date au format JJ/MM/AAAA")
    assert errors[(BUDGET, 2, "Prévu (€)")] == ("-100", "Un montant ne peut pas être négatif.")
    assert errors[(INDICATORS, 4, "Cible")] == (
        "-1",
        "Une cible d'activité ne peut pas être négative.",
    )
    assert "clé inconnue" in errors[(MILESTONES, 4, "Clé de l'action")][1]
    html = response.content.decode()
    assert "Rien n'a été importé : 10 erreurs" in html
    assert "Organisation fantôme" in html and "Mécène inconnu" in html
    assert snapshot(world.strategy.pk) == before
    assert Event.objects.count() == events


def test_non_xlsx_files_and_zip_bombs_are_refused_before_reading(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    response = upload(client, world, b"Cle;Intitule\n1;2\n", "plan.csv")
    assert response.status_code == 400
    assert "seuls les fichiers tableur XLSX sont acceptés ici" in response.content.decode()
    response = upload(client, world, b"Cle;Intitule\n1;2\n", "plan.xlsx")
    assert "n&#x27;est pas un tableur XLSX malgré son extension" in response.content.decode()
    with pytest.raises(SpreadsheetRefused, match=r"pas un classeur Excel \.xlsx"):
        check_xlsx(b"Cle;Intitule\n1;2\n")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(SpreadsheetRefused, match="se décompresse en 63 Mo"):
        check_xlsx(bomb.getvalue())
    response = upload(client, world, bomb.getvalue())
    assert response.status_code == 400
    assert "bombe de décompression" in response.content.decode()
    assert Event.objects.filter(object_type="strategy.action").count() == 0


def test_missing_sheet_is_refused_with_its_name(world):  # type: ignore[no-untyped-def]
    workbook = workbook_of(world)
    del workbook[MILESTONES]
    with pytest.raises(SpreadsheetRefused, match="« Jalons »"):
        import_plan(world.strategy, saved(workbook), by=world.coordinator)


def test_import_needs_the_coordinator_and_an_editable_strategy(world, login):  # type: ignore[no-untyped-def]
    data = saved(workbook_of(world))
    assert upload(login(world.partner), world, data).status_code == 403
    world.strategy.status = Status.ADOPTED
    world.strategy.save()
    client = login(world.coordinator)
    response = client.get(reverse("strategy:plan_import", args=[world.strategy.pk]))
    assert response.status_code == 403
    assert upload(client, world, data).status_code == 403


def test_errors_are_collected_not_stopped_at_the_first(world):  # type: ignore[no-untyped-def]
    workbook = workbook_of(world)
    sheet = workbook[BUDGET]
    for year in range(5):
        sheet.append([world.action.key, "", "FIPD", "", f"année {year}", 1, 1, 1])
    with pytest.raises(PlanRejected) as refused:
        import_plan(world.strategy, saved(workbook), by=world.coordinator)
    assert [e.line for e in refused.value.errors] == [3, 4, 5, 6, 7]


def test_a_title_written_as_a_formula_goes_out_as_text_and_comes_back_unchanged(world):  # type: ignore[no-untyped-def]
    """Formula injection: the export quotes the title, the import removes the quote."""
    title = '=HYPERLINK("http://evil.example","x")'
    Action.objects.filter(pk=world.action.pk).update(title=title, problem="-2+3+cmd")
    cell = workbook_of(world)[ACTIONS].cell(2, column(workbook_of(world)[ACTIONS], "Intitulé"))
    assert (cell.value, cell.data_type) == ("'" + title, "s")
    before = snapshot(world.strategy.pk)
    report = import_plan(world.strategy, saved(workbook_of(world)), by=world.coordinator)
    assert report.unchanged == 1 and not report.updated
    assert snapshot(world.strategy.pk) == before
    world.action.refresh_from_db()
    assert (world.action.title, world.action.problem) == (title, "-2+3+cmd")
