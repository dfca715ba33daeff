"""The demo's partners' data: fictitious logbooks imported through the real import."""

import datetime

from stspd.demo.partnerdata import build_partner_demo
from stspd.partnerdata.models import Record, Source, Upload
from stspd.territories.models import Commune, CommuneShape
from stspd.territories.shapes import DEMO_SHAPES, read_features


def load_real_shapes() -> None:
    for feature in read_features(DEMO_SHAPES):
        code = feature["properties"]["code"]
        if code in ("76540", "76575"):
            CommuneShape.objects.create(
                commune=Commune.objects.get(code=code), geometry=feature["geometry"], source="t"
            )


def test_demo_imports_about_two_thousand_geocoded_events_once(world) -> None:  # type: ignore[no-untyped-def]
    load_real_shapes()
    today = datetime.date(2026, 11, 28)
    report = build_partner_demo(today, council=world.council, coordinator=world.coordinator)
    assert "faits fictifs importés" in report
    assert Source.objects.filter(name__contains="données fictives de démonstration").count() == 2
    assert Upload.objects.filter(state="imported").count() == 6
    total = sum(Record.objects.values_list("count", flat=True))
    assert 1800 <= total <= 2200
    assert not Record.objects.filter(lon__isnull=True).exists()
    assert {r.day.month for r in Record.objects.all()} == {8, 9, 10}
    # Every upload said it dropped the nominative column.
    assert all("Nom du requérant" in u.dropped_columns[0] for u in Upload.objects.all())
    # Next months' files reused the first month's mapping.
    assert Upload.objects.filter(mapping__columns__date="Date").count() == 6
    assert build_partner_demo(today, council=world.council, coordinator=world.coordinator) == (
        "Données des partenaires : déjà en place."
    )
