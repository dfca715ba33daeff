"""The département view's map: an SVG drawn on the server from the communes' outlines.

Communes that must have a council are filled by whether one covers them; the others are drawn
pale. A commune without a stored outline is in the table only. The SVG is the map; the table
under it says the same in words (the map is not the only way to read it).
"""

import math
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from stspd.territories.models import CommuneShape, Departement

from .territory import RequiredCommune

WIDTH = 640
COLOURS = {"covered": "#18753c", "uncovered": "#ce0500", "other": "#e5e5e5"}
LABELS = {"covered": "couverte par un conseil", "uncovered": "sans conseil", "other": ""}


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["coordinates"]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def departement_map(departement: Departement, required: list[RequiredCommune]) -> str:
    """The SVG (empty when no commune of the département has an outline)."""
    shapes = list(
        CommuneShape.objects.filter(commune__departement=departement).values_list(
            "commune__code", "commune__name", "geometry"
        )
    )
    if not shapes:
        return ""
    points = [point for _, _, g in shapes for ring in _rings(g) for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    # Equirectangular, longitudes shrunk by the cosine of the middle latitude.
    shrink = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / max((east - west) * shrink, 1e-9)
    height = round((north - south) * scale)
    status = {
        row.commune.code: "covered" if row.council is not None else "uncovered" for row in required
    }
    paths = []
    for code, name, geometry in sorted(shapes, key=lambda s: s[0] in status):
        kind = status.get(code, "other")
        d = " ".join(
            "M"
            + " L".join(
                f"{(x - west) * shrink * scale:.1f},{(north - y) * scale:.1f}" for x, y, *_ in ring
            )
            + " Z"
            for ring in _rings(geometry)
        )
        label = f"{name} : {LABELS[kind]}" if kind != "other" else name
        paths.append(
            f'<path d="{d}" fill="{COLOURS[kind]}" stroke="#ffffff" stroke-width="0.5">'
            f"<title>{escape(label)}</title></path>"
        )
    title = f"Carte des communes de {departement.name} qui doivent avoir un conseil"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="carte-titre" class="stspd-map">'
        f'<title id="carte-titre">{escape(title)}</title>' + "".join(paths) + "</svg>"
    )
