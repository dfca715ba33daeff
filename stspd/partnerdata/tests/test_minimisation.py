"""Personal data kept out of partners' files (issue 15): columns naming the person concerned,
names and telephones inside kept cells, category labels naming someone, staged files left
for ever."""

import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stspd.audit.models import Event
from stspd.partnerdata import workflow
from stspd.partnerdata.models import LocalIndicator, Upload

from .helpers import make_source, staged
from .test_uploads import deposit, map_columns

FILE = (
    "Date;Nature;Commune;Nombre;Personne concernée;Usager;Observations\n"
    "01/03/2026;Tapage chez M. Jean Dupont;Rouen;2;Marie Durand;Paul Martin;"
    "Rappeler au 06 12 34 56 78\n"
    "02/03/2026;Dépôt sauvage;76575;1;X;Y;écrit à plainte.dupont@example.org\n"
    "03/03/2026;Tapage;Rouen;3;Z;W;RAS\n"
).encode()
SECRETS = ["Dupont", "Durand", "Martin", "06 12 34 56 78", "plainte.dupont@example.org"]


def test_person_columns_names_and_phones_never_reach_the_stored_table(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)
    deposit(client, make_source(world), FILE)
    upload = Upload.objects.get()
    stored = json.dumps(upload.table, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in stored, secret
    assert upload.table["headers"] == ["Date", "Nature", "Commune", "Nombre", "Observations"]
    assert upload.mentions_removed == 3  # M. Jean Dupont, the telephone, the address
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/colonnes/").content.decode()
    assert "Colonne « Personne concernée » ignorée : les données nominatives" in page
    assert "Colonne « Usager » ignorée : les données nominatives" in page
    assert "3 mentions de personnes" in page and "par « [retiré] »" in page

    # The observations play no role: once the columns are mapped they are not kept at all.
    columns = {"date": "Date", "category": "Nature", "commune": "Commune", "count": "Nombre"}
    map_columns(client, upload, columns)
    upload.refresh_from_db()
    assert upload.table["headers"] == ["Date", "Nature", "Commune", "Nombre"]
    assert "Rappeler" not in json.dumps(upload.table, ensure_ascii=False)
    page = client.get(f"/donnees-partenaires/depots/{upload.pk}/categories/").content.decode()
    assert "Tapage chez [retiré] (1 ligne)" in page
    client.post(
        f"/donnees-partenaires/depots/{upload.pk}/categories/",
        {"cat_0": "new", "cat_1": "new", "cat_2": "new"},
    )
    preview = client.get(f"/donnees-partenaires/depots/{upload.pk}/apercu/").content.decode()
    assert "Colonne « Observations » ignorée : associée à aucun rôle" in preview
    assert "3 mentions de personnes" in preview
    client.post(f"/donnees-partenaires/depots/{upload.pk}/apercu/")
    # The category that named someone became an indicator every role sees: without the name.
    labels = set(LocalIndicator.objects.values_list("label", flat=True))
    assert "Tapage chez [retiré]" in labels
    assert not any("Dupont" in label for label in labels)
    everything = json.dumps(list(Event.objects.values("changes", "object_label")), default=str)
    for secret in SECRETS:
        assert secret not in everything, secret


def test_a_street_named_after_someone_stays_in_an_address_column(world) -> None:  # type: ignore[no-untyped-def]
    data = (
        b"Date;Nature;Adresse du lieu;Nombre\n01/03/2026;Tapage;12 av. Jean JAURES 76800 Rouen;1\n"
    )
    upload = workflow.stage_upload(
        make_source(world), file_name="a.csv", data=data, by=world.coordinator
    )
    assert "Jean JAURES" in json.dumps(upload.table, ensure_ascii=False)
    assert upload.mentions_removed == 0


def test_staged_uploads_are_purged_after_the_set_delay_by_a_command(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_STAGED_UPLOAD_RETENTION_DAYS = 7
    old = staged(world, name="vieux.csv")
    recent = staged(world, data=b"Date;Nature;Commune;Nombre\n01/03/2026;Tapage;Rouen;1\n")
    imported = staged(world, data=b"Date;Nature;Commune;Nombre\n02/03/2026;Tapage;Rouen;4\n")
    workflow.import_upload(imported, by=world.coordinator)
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    Upload.objects.filter(pk__in=[old.pk, imported.pk]).update(uploaded_at=eight_days_ago)
    Upload.objects.filter(pk=recent.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=6, hours=23)
    )

    out = StringIO()
    call_command("purge_uploads", stdout=out)  # without --apply: a list, nothing deleted
    assert "vieux.csv" in out.getvalue() and "1 dépôt(s)" in out.getvalue()
    assert Upload.objects.count() == 3

    out = StringIO()
    call_command("purge_uploads", "--apply", stdout=out)
    assert "1 dépôt(s) non importé(s)" in out.getvalue() and "7 jours" in out.getvalue()
    assert set(Upload.objects.values_list("pk", flat=True)) == {recent.pk, imported.pk}
    event = Event.objects.get(verb="purged", object_id=str(old.pk))
    assert event.council == world.council and event.actor is None
    # The source keeps its saved mapping for next month's file.
    assert make_source(world).mapping["columns"]["category"] == "Nature"


def test_the_purge_delay_is_a_setting_the_personal_data_page_states(  # type: ignore[no-untyped-def]
    world, settings, client
) -> None:
    settings.STSPD_STAGED_UPLOAD_RETENTION_DAYS = 3
    upload = staged(world)
    Upload.objects.filter(pk=upload.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=4)
    )
    call_command("purge_uploads", "--apply", stdout=StringIO())
    assert not Upload.objects.filter(pk=upload.pk).exists()
    page = client.get(reverse("legal_personal_data")).content.decode()
    assert "ou 3 jours s&#x27;il n&#x27;est pas importé" in page
