"""The action plan's import: a preview element by element, a confirmed deletion, one event, and
an undo that gives back the draft exactly (issue 14, item 5)."""

from django.urls import reverse
from django.utils import timezone

from stspd.audit.models import Event
from stspd.steering.models import Measurement
from stspd.strategy.documents.spreadsheet import ACTIONS, COLUMNS, INDICATORS, KEY
from stspd.strategy.models import Action, PlanImport
from stspd.strategy.snapshot import snapshot

from .test_documents import enrich
from .test_spreadsheet import column, saved, upload, workbook_of


def drop_action(workbook, key: str) -> None:  # type: ignore[no-untyped-def]
    """Remove an action's row from the "Actions" sheet and its lines from the others."""
    assert all(columns[0] == KEY for columns in COLUMNS.values())  # the key is column 1
    for name in COLUMNS:
        sheet = workbook[name]
        rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == key]
        for row in reversed(rows):
            sheet.delete_rows(row)


def export(client, world) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(reverse("strategy:document_json", args=[world.strategy.pk]))
    assert response.status_code == 200
    return response.content  # type: ignore[no-any-return]


def detail_url(plan_import: PlanImport) -> str:
    return reverse("strategy:plan_import_detail", args=[plan_import.strategy_id, plan_import.pk])


def undo_url(plan_import: PlanImport) -> str:
    return reverse("strategy:plan_import_undo", args=[plan_import.strategy_id, plan_import.pk])


def test_a_deleted_fiche_is_previewed_confirmed_applied_and_undone_identically(world, login):  # type: ignore[no-untyped-def]
    enrich(world)
    client = login(world.coordinator)
    original = export(client, world)
    before = snapshot(world.strategy.pk)
    action = world.action
    uses = list(action.indicators.values_list("pk", flat=True))
    assert len(uses) == 2 and action.milestones.count() == 2
    workbook = workbook_of(world, client)
    drop_action(workbook, action.key)
    sheet = workbook[ACTIONS]
    renamed = sheet.cell(2, column(sheet, "Intitulé"))
    assert renamed.value == "Permanence d'accueil des victimes n° 1"
    renamed.value = "Permanence d'accueil des victimes, centre-ville"

    response = upload(client, world, saved(workbook), "plan-modifie.xlsx")
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(plan_import)
    assert snapshot(world.strategy.pk) == before  # the upload changes nothing

    response = client.get(detail_url(plan_import))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [c.element.key for c in preview.deletions] == [action.key]
    statuses = {c.element.key: c.status for c in preview.changes}
    assert statuses[action.key] == "removed"
    [renamed_change] = [c for c in preview.changes if c.element.title.endswith("centre-ville")]
    assert [(f.label, f.before, f.after) for f in renamed_change.fields] == [
        (
            "Intitulé",
            "Permanence d'accueil des victimes n° 1",
            "Permanence d'accueil des victimes, centre-ville",
        )
    ]
    html = response.content.decode()
    assert "Suppression" in html and action.title in html
    assert "Je confirme la suppression de 1 fiche action" in html
    assert "0 fiche action ajoutée, 1 modifiée, 1 supprimée, 1 inchangée" in html, preview.summary
    assert "<del>n° 1</del><ins>centre-ville</ins>" in html

    refused = client.post(detail_url(plan_import), {"basis": preview.basis})
    assert refused.status_code == 400
    assert "cochez la case de confirmation" in refused.content.decode()
    assert snapshot(world.strategy.pk) == before
    assert not Event.objects.filter(verb="imported").exists()

    applied = client.post(detail_url(plan_import), {"basis": preview.basis, "confirmer": "oui"})
    assert applied.status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()
    event = Event.objects.get(verb="imported")
    assert event.object_id == str(world.strategy.pk)
    assert event.changes["fichier"] == ["", "plan-modifie.xlsx"]
    assert any(k.endswith("(suppression)") and action.title in k for k in event.changes)
    assert Event.objects.filter(object_type="strategy.action").count() == 0  # one event only
    assert export(client, world) != original

    page = client.get(undo_url(plan_import))
    assert page.status_code == 200
    assert [c.status for c in page.context["changes"] if c.element.key == action.key] == ["added"]
    undone = client.post(undo_url(plan_import))
    assert undone.status_code == 302
    assert export(client, world) == original  # byte for byte
    restored = Action.objects.get(key=action.key)
    assert restored.pk == action.pk  # the fiche's page answers again at the same address
    assert list(restored.indicators.values_list("pk", flat=True)) == uses
    assert Event.objects.filter(verb="reverted", object_id=str(world.strategy.pk)).exists()
    again = client.post(undo_url(plan_import))
    assert again.status_code == 400 and "déjà été annulé" in again.content.decode()


def test_an_import_that_only_adds_or_changes_needs_no_confirmation(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    workbook = workbook_of(world, client)
    sheet = workbook[ACTIONS]
    sheet.cell(2, column(sheet, "Intitulé")).value = "Médiation de nuit renforcée"
    upload(client, world, saved(workbook))
    plan_import = PlanImport.objects.get()
    preview = client.get(detail_url(plan_import)).context["preview"]
    assert not preview.deletions
    [change] = preview.changes
    assert [f.label for f in change.fields] == ["Intitulé"]
    response = client.post(detail_url(plan_import), {"basis": preview.basis})
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.title == "Médiation de nuit renforcée"
    event = Event.objects.get(verb="imported")
    assert event.changes[f"{change.element.label} — Intitulé"] == [
        "Médiation de nuit dans les quartiers",
        "Médiation de nuit renforcée",
    ]


def test_a_draft_changed_after_the_preview_is_previewed_again(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    workbook = workbook_of(world, client)
    sheet = workbook[ACTIONS]
    sheet.cell(2, column(sheet, "Public visé")).value = "Habitants"
    upload(client, world, saved(workbook))
    plan_import = PlanImport.objects.get()
    basis = client.get(detail_url(plan_import)).context["preview"].basis
    Action.objects.filter(pk=world.action.pk).update(description="Écrit entre-temps")
    response = client.post(detail_url(plan_import), {"basis": basis})
    assert response.status_code == 400
    assert "modifiée depuis l'affichage de l'aperçu" in response.context["refusal"]
    world.action.refresh_from_db()
    assert world.action.public != "Habitants"
    assert response.context["preview"].basis != basis


def test_undo_is_refused_once_the_draft_changed_and_changes_nothing(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    workbook = workbook_of(world, client)
    sheet = workbook[ACTIONS]
    sheet.cell(2, column(sheet, "Public visé")).value = "Habitants"
    upload(client, world, saved(workbook))
    plan_import = PlanImport.objects.get()
    basis = client.get(detail_url(plan_import)).context["preview"].basis
    assert client.post(detail_url(plan_import), {"basis": basis}).status_code == 302
    Action.objects.filter(pk=world.action.pk).update(title="Retouché après l'import")
    changed = snapshot(world.strategy.pk)
    page = client.get(undo_url(plan_import))
    assert "modifiée depuis cet import" in page.context["problem"]
    response = client.post(undo_url(plan_import))
    assert response.status_code == 400
    assert snapshot(world.strategy.pk) == changed
    assert not Event.objects.filter(verb="reverted").exists()


def test_an_import_is_reached_only_through_its_own_strategy(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    upload(client, world, saved(workbook_of(world, client)))
    plan_import = PlanImport.objects.get()
    other = world.strategy.__class__.objects.create(
        council=world.council,
        title="Autre stratégie",
        starts_on=world.strategy.starts_on,
        ends_on=world.strategy.ends_on,
    )
    url = reverse("strategy:plan_import_detail", args=[other.pk, plan_import.pk])
    assert client.get(url).status_code == 404


def test_a_new_upload_replaces_the_previews_never_applied(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    data = saved(workbook_of(world, client))
    upload(client, world, data, "premier.xlsx")
    first = PlanImport.objects.get()
    upload(client, world, data, "second.xlsx")
    assert list(PlanImport.objects.values_list("filename", flat=True)) == ["second.xlsx"]
    assert client.get(detail_url(first)).status_code == 404


def test_undo_is_refused_when_values_were_reported_on_what_the_import_added(world, login):  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    workbook = workbook_of(world, client)
    workbook[INDICATORS].append([world.action.key, "", "", "Victimes reçues", 10])
    workbook[ACTIONS].cell(2, column(workbook[ACTIONS], "Public visé")).value = "Habitants"
    upload(client, world, saved(workbook))
    plan_import = PlanImport.objects.get()
    response = client.get(detail_url(plan_import))
    assert response.status_code == 200, response.context.get("errors")
    basis = response.context["preview"].basis
    assert client.post(detail_url(plan_import), {"basis": basis}).status_code == 302
    added = world.action.indicators.get(definition__name="Victimes reçues")
    assert client.get(undo_url(plan_import)).context["problem"] == ""
    Measurement.objects.create(
        action_indicator=added,
        period_start=added.action.objective.axis.strategy.starts_on,
        value=3,
        submitted_by=world.partner,
        submitted_at=timezone.now(),
    )
    page = client.get(undo_url(plan_import))
    assert "Des valeurs ont été renseignées depuis l'import" in page.context["problem"]
    assert client.post(undo_url(plan_import)).status_code == 400
    assert Measurement.objects.filter(action_indicator=added).exists()


def test_an_import_never_erases_reported_values(world, login):  # type: ignore[no-untyped-def]
    """A strategy in revision is followed while edited: deleting a fiche (or its activity
    indicator) that has values would erase them; the file is refused at the preview."""
    enrich(world)
    use = world.action.indicators.get(definition__name="Médiations réalisées")
    Measurement.objects.create(
        action_indicator=use,
        period_start=world.strategy.starts_on,
        value=12,
        submitted_by=world.partner,
        submitted_at=timezone.now(),
    )
    client = login(world.coordinator)
    before = snapshot(world.strategy.pk)
    workbook = workbook_of(world, client)
    drop_action(workbook, world.action.key)
    response = upload(client, world, saved(workbook))
    assert response.status_code == 400
    assert "valeurs renseignées" in response.context["refusal"]
    assert world.action.title in response.context["refusal"]
    assert not PlanImport.objects.exists()
    # Keeping the fiche but removing only its valued indicator is refused too.
    workbook = workbook_of(world, client)
    sheet = workbook[INDICATORS]
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 3).value == use.key]
    sheet.delete_rows(rows[0])
    response = upload(client, world, saved(workbook))
    assert response.status_code == 400
    assert "(Médiations réalisées)" in response.context["refusal"]
    assert snapshot(world.strategy.pk) == before
    assert Measurement.objects.filter(action_indicator=use).exists()
