"""Load commune outlines (GeoJSON) for maps and for checking that a position lies in a territory.

The project ships the communes of Seine-Maritime (IGN Admin Express 2018 through the
france-geojson project, Licence Ouverte 2.0), enough for the demo territory; an operator loads
other départements with `stspd import-shapes FILE`. Features are matched on their `code`
property; codes unknown to the commune reference (communes merged since the shapes were drawn)
are reported, not stored.
"""

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from stspd.core.cache import bump

from .models import Commune, CommuneShape

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_SHAPES = DATA_DIR / "communes-76-seine-maritime.geojson.gz"
GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}


class ShapeFileError(ValueError):
    pass


@dataclass
class ShapesReport:
    loaded: int = 0
    unknown_codes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.loaded} contours de communes chargés"
        if self.unknown_codes:
            text += (
                f" ; {len(self.unknown_codes)} codes absents du référentiel (communes fusionnées "
                f"depuis) : {', '.join(self.unknown_codes)}"
            )
        return text


def read_features(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ShapeFileError(f"{path.name} : fichier GeoJSON illisible ({exc}).") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ShapeFileError(f"{path.name} : une FeatureCollection GeoJSON est attendue.")
    for number, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") or {}
        code = (feature.get("properties") or {}).get("code")
        if not code or geometry.get("type") not in GEOMETRY_TYPES:
            raise ShapeFileError(
                f"{path.name}, entité n° {number} : une propriété « code » (code INSEE) et une "
                "géométrie Polygon ou MultiPolygon sont attendues."
            )
    return features


@transaction.atomic
def import_shapes(path: Path = DEMO_SHAPES) -> ShapesReport:
    """Upsert the outlines of a GeoJSON file; safe to re-run."""
    features = read_features(path)
    communes = dict(Commune.objects.values_list("code", "id"))
    report = ShapesReport()
    shapes = []
    for feature in features:
        code = str(feature["properties"]["code"])
        if code not in communes:
            report.unknown_codes.append(code)
            continue
        shapes.append(
            CommuneShape(commune_id=communes[code], geometry=feature["geometry"], source=path.name)
        )
    CommuneShape.objects.bulk_create(
        shapes,
        update_conflicts=True,
        unique_fields=["commune"],
        update_fields=["geometry", "source"],
        batch_size=500,
    )
    report.loaded = len(shapes)
    report.unknown_codes.sort()
    bump()  # the public map draws them (stspd/core/cache.py)
    return report
