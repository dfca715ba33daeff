import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from stspd.territories.models import CommuneShape
from stspd.territories.shapes import import_shapes

SQUARE = {"type": "Polygon", "coordinates": [[[1, 49], [1.1, 49], [1.1, 49.1], [1, 49]]]}


def write(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_shipped_outlines_cover_the_demo_communes(world) -> None:  # type: ignore[no-untyped-def]
    report = import_shapes()
    # The world has Rouen, Saint-Étienne-du-Rouvray, Le Havre and Dieppe: all four are drawn.
    assert report.loaded == 4
    assert CommuneShape.objects.get(commune__code="76540").geometry["type"] == "Polygon"
    assert "76001" in report.unknown_codes  # not in the test world's reference


def test_reloading_replaces_outlines_and_reports_unknown_codes(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    features = [
        {"type": "Feature", "properties": {"code": "76540"}, "geometry": SQUARE},
        {"type": "Feature", "properties": {"code": "99999"}, "geometry": SQUARE},
    ]
    report = import_shapes(write(tmp_path / "a.geojson", features))
    assert (report.loaded, report.unknown_codes) == (1, ["99999"])
    assert import_shapes(write(tmp_path / "a.geojson", features)).loaded == 1
    assert CommuneShape.objects.count() == 1


def test_a_feature_without_code_is_refused_and_nothing_changes(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_shapes()
    before = CommuneShape.objects.count()
    bad = [{"type": "Feature", "properties": {"nom": "Rouen"}, "geometry": SQUARE}]
    with pytest.raises(CommandError, match="entité n° 1 : une propriété « code »"):
        call_command("import_shapes", str(write(tmp_path / "bad.geojson", bad)))
    assert CommuneShape.objects.count() == before


def test_a_file_that_is_not_json_is_refused(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.geojson.gz"
    path.write_bytes(gzip.compress(b'{"type": "FeatureCollection", "features": ['))
    with pytest.raises(CommandError, match="fichier GeoJSON illisible"):
        call_command("import_shapes", str(path))
    assert CommuneShape.objects.count() == 0
