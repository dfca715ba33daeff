"""Point-in-polygon on GeoJSON geometries."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from crimestats import geo
from crimestats.geo import bounds, contains, locate

SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]],
        [[4.0, 4.0], [6.0, 4.0], [6.0, 6.0], [4.0, 6.0], [4.0, 4.0]],
    ],
}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
        [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0], [5.0, 5.0]]],
    ],
}


def test_docstring_examples_run() -> None:
    assert doctest.testmod(geo).failed == 0


def test_points_in_a_hole_are_outside() -> None:
    inside = contains(SQUARE_WITH_HOLE, [1, 5, 9, 5, 11], [1, 5, 9, 4.5, 5])
    assert inside.tolist() == [True, False, True, False, False]


def test_concave_polygon() -> None:
    # A "U": the notch between the arms is outside.
    u_shape = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    }
    assert contains(u_shape, [0.5, 1.5, 2.5, 1.5], [2, 2, 2, 0.5]).tolist() == [
        True,
        False,
        True,
        True,
    ]


def test_multipolygon_points_in_either_part() -> None:
    assert contains(TWO_ISLANDS, [0.5, 5.5, 3], [0.5, 5.5, 3]).tolist() == [True, True, False]


def test_locate_gives_each_point_its_geometry() -> None:
    shapes = {"square": SQUARE_WITH_HOLE, "islands": TWO_ISLANDS}
    found = locate(shapes, [5.5, 2, 4.5, 20], [5.5, 2, 4.5, 20])
    # (5.5, 5.5) is in the square's hole but on an island; (4.5, 4.5) is in the hole only.
    assert found == ["islands", "square", None, None]


def test_many_points_vectorised_agree_with_one_by_one() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 11, 2000), rng.uniform(-1, 11, 2000)
    together = contains(SQUARE_WITH_HOLE, x, y)
    expected = ((x > 0) & (x < 10) & (y > 0) & (y < 10)) & ~((x > 4) & (x < 6) & (y > 4) & (y < 6))
    assert (together == expected).all()


def test_other_geometries_are_refused() -> None:
    with pytest.raises(ValueError, match="Polygon ou MultiPolygon"):
        contains({"type": "Point", "coordinates": [0, 0]}, [0], [0])


def test_bounds_of_a_multipolygon() -> None:
    assert bounds(TWO_ISLANDS) == (0.0, 0.0, 6.0, 6.0)
