"""The hot-spot map's data: grid cells and commune outlines as GeoJSON, hot cells listed.

The statistics are `crimestats.hotspots.grid_hotspots` (quartic kernel density and Getis-Ord
Gi* on a grid of square cells, hot and cold cells decided on Benjamini-Hochberg adjusted exact
p-values under complete spatial randomness, none below 30 events); this module only shapes its
cells for Leaflet and for the table.
"""

from typing import Any

import numpy as np
import numpy.typing as npt

from crimestats.french import MISSING, number
from crimestats.hotspots import HotspotInputError, grid_hotspots
from stspd.councils.models import Council
from stspd.territories.models import CommuneShape

CELL_SIZE = 200.0  # metres
BANDWIDTH = 400.0  # metres
ALPHA = 0.05

# CSS and colour keys of the levels grid_hotspots gives, with their legend.
LEVELS = {
    "hot 99 %": ("hot-99", "Point chaud, confiance 99 %"),
    "hot 95 %": ("hot-95", "Point chaud, confiance 95 %"),
    "hot 90 %": ("hot-90", "Point chaud, confiance 90 %"),
    "cold 99 %": ("cold-99", "Point froid, confiance 99 %"),
    "cold 95 %": ("cold-95", "Point froid, confiance 95 %"),
    "cold 90 %": ("cold-90", "Point froid, confiance 90 %"),
}


def probability(value: float) -> str:
    if not np.isfinite(value):
        return MISSING
    return "< 0,001" if value < 0.001 else number(value, 3)


def hotspots(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> dict[str, Any]:
    """Cells holding facts or significant, as GeoJSON; the hot cells, most significant first;
    or the reason no map can be drawn (no fact, a single one...)."""
    if len(lon) == 0:
        return {"cells": None, "hot": [], "max_density": 0.0, "problem": ""}
    try:
        grid = grid_hotspots(
            lon, lat, weights, cell_size=CELL_SIZE, bandwidth=BANDWIDTH, alpha=ALPHA
        )
    except HotspotInputError as exc:
        return {"cells": None, "hot": [], "max_density": 0.0, "problem": str(exc)}
    features = []
    hot = []
    for cell in grid.cells():
        key = LEVELS.get(cell["level"], ("ns", ""))[0]
        properties = {
            "row": cell["row"],
            "col": cell["col"],
            "centre": [round(cell["lon"], 5), round(cell["lat"], 5)],
            "count": cell["count"],
            "density": cell["density"],
            "density_text": number(float(cell["density"]), 0),
            "z": cell["z"],
            "z_text": number(float(cell["z"]), 2),
            "p_text": probability(cell["p"]),
            "q_text": probability(cell["q"]),
            "level": key,
            "level_label": cell["label"],
        }
        ring = [list(corner) for corner in cell["corners"]]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                "properties": properties,
            }
        )
        if cell["hot"] or key.startswith("hot"):
            hot.append(properties)
    hot.sort(key=lambda cell: -cell["z"])
    return {
        "cells": {"type": "FeatureCollection", "features": features},
        "hot": hot,
        "max_density": float(grid.density.max()),
        # Too few events: the density is drawn, no cell is tested, the page says why.
        "problem": f"Aucune cellule testée : {grid.reason}." if grid.reason else "",
    }


def commune_outlines(council: Council) -> dict[str, Any]:
    shapes = CommuneShape.objects.filter(commune__in=council.communes()).values_list(
        "commune__code", "commune__name", "geometry"
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": geometry, "properties": {"code": code, "name": name}}
            for code, name, geometry in shapes
        ],
    }
