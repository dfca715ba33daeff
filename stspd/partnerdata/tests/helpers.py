"""Objects the partner-data tests share: a source of the world's council, files, shapes."""

from django.core.files.uploadedfile import SimpleUploadedFile

from stspd.partnerdata import workflow
from stspd.partnerdata.enums import SourceKind
from stspd.partnerdata.models import LocalIndicator, Source, Upload
from stspd.territories.models import Commune, CommuneShape

GOOD_CSV = (
    "Date;Nature;Commune;Nombre;Nom du mis en cause\n"
    "01/03/2026;Tapage;Rouen;2;Jean DUPONT\n"
    "02/03/2026;Dépôt sauvage;76575;1;DURAND Marie\n"
    "03/03/2026;tapage;Saint-Etienne-du-Rouvray;3;X\n"
).encode()
COLUMNS = {"date": "Date", "category": "Nature", "commune": "Commune", "count": "Nombre"}

# A small square around the centre of Rouen (lon 1.08-1.12, lat 49.42-49.46).
ROUEN_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[1.08, 49.42], [1.12, 49.42], [1.12, 49.46], [1.08, 49.46], [1.08, 49.42]]],
}
SER_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[1.08, 49.36], [1.12, 49.36], [1.12, 49.40], [1.08, 49.40], [1.08, 49.36]]],
}


def make_source(world, name: str = "Main courante PM") -> Source:  # type: ignore[no-untyped-def]
    source, _ = Source.objects.get_or_create(
        council=world.council,
        name=name,
        defaults={"organisation": world.organisation, "kind": SourceKind.POLICE_LOGBOOK},
    )
    return source


def add_shapes() -> None:
    for code, geometry in [("76540", ROUEN_SQUARE), ("76575", SER_SQUARE)]:
        CommuneShape.objects.update_or_create(
            commune=Commune.objects.get(code=code),
            defaults={"geometry": geometry, "source": "test"},
        )


def staged(world, data: bytes = GOOD_CSV, name: str = "mars.csv") -> Upload:  # type: ignore[no-untyped-def]
    """A staged upload of the world's source with its columns and categories mapped."""
    source = make_source(world)
    upload = workflow.stage_upload(source, file_name=name, data=data, by=world.coordinator)
    workflow.save_columns(upload, COLUMNS, by=world.coordinator)
    tapage, _ = LocalIndicator.objects.get_or_create(council=world.council, label="Tapage")
    workflow.save_categories(
        upload,
        {"Tapage": str(tapage.pk), "Dépôt sauvage": "new"},
        unit="fait",
        by=world.coordinator,
    )
    upload.refresh_from_db()
    return upload


def csv_file(data: bytes, name: str = "mars.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")
