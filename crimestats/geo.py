"""Point-in-polygon on GeoJSON geometries, vectorised with numpy.

Positions are WGS84 longitude/latitude in degrees; polygons are GeoJSON ``Polygon`` or
``MultiPolygon`` geometries (an outer ring, then holes). At the scale of a commune the plane
approximation of ray casting is exact enough: the test runs on the raw degrees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["bounds", "contains", "locate"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _polygons(geometry: Mapping[str, Any]) -> list[Sequence[Sequence[Sequence[float]]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return [coordinates] if coordinates else []
    if kind == "MultiPolygon":
        return list(coordinates or [])
    raise ValueError(f"Géométrie Polygon ou MultiPolygon attendue, pas {kind!r}.")


def _in_ring(x: FloatArray, y: FloatArray, ring: Sequence[Sequence[float]]) -> BoolArray:
    """Even-odd ray casting of every point against one closed ring (first point may repeat)."""
    vertices = np.asarray(ring, dtype=np.float64)[:, :2]
    inside = np.zeros(x.shape, dtype=bool)
    if len(vertices) < 3:
        return inside
    x1, y1 = vertices[:, 0], vertices[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    # Only points within the ring's bounding box can be inside: test those.
    candidates = np.flatnonzero(
        (x >= x1.min()) & (x <= x1.max()) & (y >= y1.min()) & (y <= y1.max())
    )
    if candidates.size == 0:
        return inside
    px = x[candidates][:, None]
    py = y[candidates][:, None]
    crosses = (y1 > py) != (y2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
    hits = crosses & (px < x_at)
    inside[candidates] = (np.count_nonzero(hits, axis=1) % 2) == 1
    return inside


def contains(geometry: Mapping[str, Any], lon: npt.ArrayLike, lat: npt.ArrayLike) -> BoolArray:
    """Which points lie inside the geometry (holes excluded).

    >>> square = {"type": "Polygon", "coordinates": [
    ...     [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
    ...     [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]]}
    >>> contains(square, [0.5, 1.5, 3.0, 5.0], [0.5, 1.5, 3.0, 1.0]).tolist()
    [True, False, True, False]
    """
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    result = np.zeros(x.shape, dtype=bool)
    for polygon in _polygons(geometry):
        if not polygon:
            continue
        inside = _in_ring(x, y, polygon[0])
        for hole in polygon[1:]:
            inside &= ~_in_ring(x, y, hole)
        result |= inside
    return result


def locate(
    geometries: Mapping[str, Mapping[str, Any]], lon: npt.ArrayLike, lat: npt.ArrayLike
) -> list[str | None]:
    """The key of the geometry holding each point, None when no geometry holds it.

    >>> shapes = {"A": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    ...           "B": {"type": "Polygon", "coordinates": [[[2, 0], [3, 0], [3, 1], [2, 0]]]}}
    >>> locate(shapes, [0.9, 2.9, 5], [0.1, 0.1, 5])
    ['A', 'B', None]
    """
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    found: list[str | None] = [None] * len(x)
    remaining = np.ones(x.shape, dtype=bool)
    for key, geometry in geometries.items():
        if not remaining.any():
            break
        index = np.flatnonzero(remaining)
        inside = contains(geometry, x[index], y[index])
        for i in index[inside]:
            found[int(i)] = key
        remaining[index[inside]] = False
    return found


def bounds(geometry: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of the outer rings.

    >>> bounds({"type": "Polygon", "coordinates": [[[1, 2], [3, 2], [3, 5], [1, 2]]]})
    (1.0, 2.0, 3.0, 5.0)
    """
    points = np.concatenate(
        [np.asarray(polygon[0], dtype=np.float64)[:, :2] for polygon in _polygons(geometry)]
    )
    return (
        float(points[:, 0].min()),
        float(points[:, 1].min()),
        float(points[:, 0].max()),
        float(points[:, 1].max()),
    )
