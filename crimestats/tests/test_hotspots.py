"""Hot spots: projection, grid, kernel density and Gi* (checked against esda)."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

from crimestats import hotspots
from crimestats.hotspots import (
    HotspotGrid,
    HotspotInputError,
    grid_hotspots,
    project_lonlat,
    unproject,
)

ORIGIN = (1.0993, 49.4432)  # Rouen


def lonlat_from_metres(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return unproject(np.asarray(x, float), np.asarray(y, float), origin=ORIGIN)


def esda_z(grid: HotspotGrid, w_kind: str = "queen") -> tuple[np.ndarray, np.ndarray]:
    """esda's Gi* z and one-sided p_norm on the observed window, in the window's shape."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal and esda import-time deprecations
        from esda.getisord import G_Local
        from libpysal.weights import DistanceBand, lat2W

    rows, cols = np.nonzero(grid.observed)
    ny, nx = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    y = grid.counts[grid.observed].astype(float)  # row-major, as lat2W numbers cells
    if w_kind == "queen":
        w = lat2W(ny, nx, rook=False)
    else:
        r, c = np.divmod(np.arange(ny * nx), nx)
        centres = np.column_stack([c, r]) * grid.cell_size
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = DistanceBand(
                centres, threshold=grid.neighbourhood, binary=True, silence_warnings=True
            )
    g = G_Local(y, w, star=True, transform="B", permutations=0)
    return g.Zs.reshape(ny, nx), g.p_norm.reshape(ny, nx)


# Projection


def test_projection_round_trip_is_exact() -> None:
    lon = np.array([1.0993, 1.2, 0.9, 1.5, ORIGIN[0]])
    lat = np.array([49.4432, 49.5, 49.3, 49.9, ORIGIN[1]])
    x, y = project_lonlat(lon, lat, origin=ORIGIN)
    back_lon, back_lat = unproject(x, y, origin=ORIGIN)
    np.testing.assert_allclose(back_lon, lon, atol=1e-11)
    np.testing.assert_allclose(back_lat, lat, atol=1e-11)
    assert (x[-1], y[-1]) == (0.0, 0.0)


def _chord(lon1, lat1, lon2, lat2):  # type: ignore[no-untyped-def]
    """Straight-line distance between two points of the WGS84 ellipsoid (equals the geodesic
    to 1e-7 over 20 km: the arc exceeds the chord by d³ / 24R²)."""
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)

    def ecef(lon, lat):  # type: ignore[no-untyped-def]
        lam, phi = np.radians(lon), np.radians(lat)
        n = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
        return np.array(
            [
                n * np.cos(phi) * np.cos(lam),
                n * np.cos(phi) * np.sin(lam),
                n * (1 - e2) * np.sin(phi),
            ]
        )

    return np.linalg.norm(ecef(lon1, lat1) - ecef(lon2, lat2), axis=0)


@pytest.mark.parametrize(("half_width_km", "tolerance"), [(10, 1e-5), (50, 2e-4), (140, 1e-3)])
def test_projected_distances_are_true_within_the_documented_limit(
    half_width_km: float, tolerance: float
) -> None:
    """Pairs spread over a square of the given half-width: relative distance error bounded."""
    rng = np.random.default_rng(1)
    deg = half_width_km / 111.0
    lon = ORIGIN[0] + rng.uniform(-deg * 1.5, deg * 1.5, 400)
    lat = ORIGIN[1] + rng.uniform(-deg, deg, 400)
    x, y = project_lonlat(lon, lat, origin=ORIGIN)
    i, j = np.arange(200), np.arange(200, 400)
    planar = np.hypot(x[i] - x[j], y[i] - y[j])
    true = _chord(lon[i], lat[i], lon[j], lat[j])
    assert np.max(np.abs(planar / true - 1)) < tolerance


def test_projection_origin_defaults_to_the_mean() -> None:
    x, y = project_lonlat([1.0, 1.2], [49.0, 49.2])
    x_m, y_m = project_lonlat([1.0, 1.2], [49.0, 49.2], origin=(1.1, 49.1))
    assert (x.tolist(), y.tolist()) == (x_m.tolist(), y_m.tolist())


# Grid and density


def test_counts_sum_the_weights_in_the_right_cells() -> None:
    lon, lat = lonlat_from_metres([0, 10, 250, 450], [0, 20, 0, 430])
    grid = grid_hotspots(lon, lat, [2, 3, 1, 0], cell_size=200, bandwidth=200)
    # The zero-weight row is dropped: the window is 2 x 1 cells, with one margin cell around.
    assert grid.shape == (3, 4)
    assert grid.counts.tolist() == [[0, 0, 0, 0], [0, 5, 1, 0], [0, 0, 0, 0]]
    assert grid.n_events == 6
    assert grid.observed.sum() == 2


def test_density_of_a_lone_event_is_the_hand_computed_kernel() -> None:
    """Cell 200 m, bandwidth 400 m: quartic weights (1 - d²/h²)² are 1 at the cell, 0.5625 at
    the 4 sides (d = 200), 0.25 at the 4 corners (d = 283), 0 beyond; they sum to 4.25.
    Density at the event's cell: 1 / 4.25 events over 0.04 km² = 5.882 per km²."""
    lon, lat = lonlat_from_metres([0, 3000], [0, 3000])
    grid = grid_hotspots(lon, lat, cell_size=200, bandwidth=400)
    r, c = 2, 2  # margin of 2 cells
    assert grid.counts[r, c] == 1
    assert grid.density[r, c] == pytest.approx(1 / 4.25 / 0.04, rel=1e-12)
    assert grid.density[r, c + 1] == pytest.approx(0.5625 / 4.25 / 0.04, rel=1e-12)
    assert grid.density[r + 1, c + 1] == pytest.approx(0.25 / 4.25 / 0.04, rel=1e-12)
    assert grid.density[r, c + 2] == 0.0


@pytest.mark.parametrize(("cell", "bandwidth"), [(200, 400), (100, 450), (50, 1000)])
def test_density_integrates_to_the_number_of_events(cell: float, bandwidth: float) -> None:
    """The margin holds the whole kernel: no event is lost at the edges."""
    rng = np.random.default_rng(2)
    lon, lat = lonlat_from_metres(rng.uniform(0, 3000, 500), rng.normal(0, 400, 500))
    grid = grid_hotspots(lon, lat, cell_size=cell, bandwidth=bandwidth)
    area_km2 = (cell / 1000) ** 2
    assert grid.density.sum() * area_km2 == pytest.approx(500, rel=1e-9)


# Gi* against esda


# Tiny literal data: 14 events in metres on a 200 m grid (a cluster south-west, a few spread).
TINY_X = [10, 50, 120, 30, 180, 230, 260, 90, 610, 990, 1020, 400, 750, 1150]
TINY_Y = [20, 60, 150, 190, 30, 10, 170, 240, 620, 980, 1010, 800, 220, 600]


def test_z_equals_esda_gi_star_on_a_tiny_literal_grid() -> None:
    lon, lat = lonlat_from_metres(TINY_X, TINY_Y)
    grid = grid_hotspots(lon, lat, cell_size=200, bandwidth=200)
    window = (slice(1, -1), slice(1, -1))
    assert grid.counts[window].sum() == 14
    z, p_norm = esda_z(grid)
    np.testing.assert_allclose(grid.z[window], z, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(grid.p[window], 2 * p_norm, rtol=1e-6, atol=1e-15)
    # The south-west corner cell holds 5 of the 14 events.
    assert grid.counts[1, 1] == 5
    assert grid.z[1, 1] == pytest.approx(z[0, 0])
    assert grid.z[1, 1] > 3


def test_z_by_hand_on_the_tiny_grid() -> None:
    """Ord and Getis (1995) G*i written out for the south-west corner cell."""
    lon, lat = lonlat_from_metres(TINY_X, TINY_Y)
    grid = grid_hotspots(lon, lat, cell_size=200, bandwidth=200)
    x = grid.counts[grid.observed].astype(float)
    n = x.size
    mean, s = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    local = grid.counts[1:3, 1:3].sum()  # corner: itself and 3 neighbours
    wi = 4
    expected = (local - mean * wi) / (s * np.sqrt((n * wi - wi**2) / (n - 1)))
    assert grid.z[1, 1] == pytest.approx(expected, rel=1e-12)


def test_z_equals_esda_with_a_wider_distance_band() -> None:
    """500 m band on 200 m cells: 21 cells (offsets with dx² + dy² <= 6.25)."""
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(0, 3000, 600), rng.normal(1500, 150, 200)])
    y = np.concatenate([rng.uniform(0, 2000, 600), rng.normal(800, 150, 200)])
    lon, lat = lonlat_from_metres(x, y)
    grid = grid_hotspots(lon, lat, cell_size=200, bandwidth=300, neighbourhood=500)
    z, p_norm = esda_z(grid, "band")
    assert np.all(np.isnan(grid.z[~grid.observed]))
    np.testing.assert_allclose(grid.z[grid.observed], z.ravel(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(grid.p[grid.observed], 2 * p_norm.ravel(), rtol=1e-6, atol=1e-15)


def test_fft_convolution_of_large_grids_gives_the_same_maps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    lon, lat = lonlat_from_metres(rng.uniform(0, 3000, 800), rng.normal(0, 500, 800))
    direct = grid_hotspots(lon, lat, cell_size=100, bandwidth=450, neighbourhood=350)
    monkeypatch.setattr(hotspots, "_DIRECT_LIMIT", 0)
    fft = grid_hotspots(lon, lat, cell_size=100, bandwidth=450, neighbourhood=350)
    np.testing.assert_allclose(fft.density, direct.density, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(fft.z, direct.z)
    np.testing.assert_array_equal(fft.hot, direct.hot)


def test_a_planted_cluster_is_hot_at_99_percent() -> None:
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(0, 4000, 2000), rng.normal(2500, 60, 150)])
    y = np.concatenate([rng.uniform(0, 4000, 2000), rng.normal(1500, 60, 150)])
    lon, lat = lonlat_from_metres(x, y)
    grid = grid_hotspots(lon, lat)
    x_p, y_p = project_lonlat(*lonlat_from_metres([2500], [1500]), origin=grid.origin)
    col = int((x_p[0] - grid.x0) // grid.cell_size)
    row = int((y_p[0] - grid.y0) // grid.cell_size)
    assert grid.hot[row, col]
    assert grid.levels()[row, col] == "hot 99 %"
    assert grid.q[row, col] <= 0.01
    # Hot cells are the cluster and its neighbours, nothing far away.
    hot_rows, hot_cols = np.nonzero(grid.hot)
    assert np.max(np.hypot(hot_rows - row, hot_cols - col)) <= 2.9
    # Decisions on exact binomial p-values under complete spatial randomness: the cluster's
    # discoveries raise the Benjamini-Hochberg threshold, and the background, which holds
    # 2,000 / 2,150 of the events the null spreads over it, may show one low neighbourhood
    # (here 25 events where about 45 are expected): at most one, within the 5 % of
    # discoveries the false discovery rate allows.
    assert grid.cold.sum() <= 0.05 * (grid.hot.sum() + grid.cold.sum()) + 1e-9 or (
        grid.cold.sum() == 1
    )


def test_uniform_points_give_about_alpha_false_positives() -> None:
    """Raw p < 0.05 in about 5 % of cells; after Benjamini-Hochberg, rarely any hot cell."""
    raw, runs_with_flags = [], 0
    for seed in range(12):
        rng = np.random.default_rng(100 + seed)
        n = 40 * 40 * 40  # about 40 events per cell of a 40 x 40 window
        # Centred on the projection origin, so that the grid's axes are the square's.
        lon, lat = lonlat_from_metres(rng.uniform(-4000, 4000, n), rng.uniform(-4000, 4000, n))
        grid = grid_hotspots(lon, lat)
        raw.append(np.mean(grid.p[grid.observed] < 0.05))
        runs_with_flags += bool(grid.hot.any() or grid.cold.any())
    assert 0.03 <= np.mean(raw) <= 0.07
    assert runs_with_flags <= 2


def test_constant_window_has_no_hot_spot() -> None:
    lon, lat = lonlat_from_metres([50, 300], [50, 50])
    grid = grid_hotspots(lon, lat)
    assert grid.z[grid.observed].tolist() == [0.0, 0.0]
    assert grid.p[grid.observed].tolist() == [1.0, 1.0]
    assert not grid.hot.any()


# Cells for the map


def test_cells_lists_non_empty_and_significant_cells_with_corners() -> None:
    lon, lat = lonlat_from_metres(TINY_X, TINY_Y)
    grid = grid_hotspots(lon, lat, cell_size=200, bandwidth=200)
    cells = grid.cells()
    levels = grid.levels()
    listed = {(c["row"], c["col"]) for c in cells}
    expected = {
        (int(r), int(c))
        for r, c in zip(*np.nonzero((grid.counts > 0) | (levels != "not significant")), strict=True)
    }
    assert listed == expected
    corner = next(c for c in cells if (c["row"], c["col"]) == (1, 1))
    assert corner["count"] == 5
    assert corner["level"] == levels[1, 1]
    x, y = project_lonlat(*zip(*corner["corners"], strict=True), origin=grid.origin)
    west, south = grid.x0 + 200, grid.y0 + 200  # cell (1, 1): one margin cell
    np.testing.assert_allclose(x, [west, west + 200, west + 200, west], atol=1e-6)
    np.testing.assert_allclose(y, [south, south, south + 200, south + 200], atol=1e-6)
    assert corner["bbox"][0] <= corner["lon"] <= corner["bbox"][2]
    json.dumps(cells)  # ready for json_script


def test_levels_and_french_labels() -> None:
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(0, 4000, 2000), rng.normal(2500, 60, 150)])
    y = np.concatenate([rng.uniform(0, 4000, 2000), rng.normal(1500, 60, 150)])
    grid = grid_hotspots(*lonlat_from_metres(x, y))
    by_level = {c["level"]: c for c in grid.cells()}
    assert by_level["hot 99 %"]["label"] == "Point chaud, confiance 99 %"
    assert by_level["hot 99 %"]["hot"] is True
    assert by_level["not significant"]["label"] == "Non significatif"


def test_arrays_are_read_only() -> None:
    grid = grid_hotspots(*lonlat_from_metres(TINY_X, TINY_Y))
    with pytest.raises(ValueError, match="read-only"):
        grid.counts[0, 0] = 5


# Refused input


def test_no_event_is_refused() -> None:
    with pytest.raises(ValueError, match="Aucun événement géolocalisé"):
        grid_hotspots(np.array([]), np.array([]))


def test_only_zero_weights_is_no_event() -> None:
    with pytest.raises(ValueError, match="Aucun événement géolocalisé"):
        grid_hotspots([1.0, 1.1], [49.0, 49.1], [0, 0])


def test_a_single_event_is_refused() -> None:
    with pytest.raises(ValueError, match="Un seul événement géolocalisé"):
        grid_hotspots([1.0], [49.0])


def test_nan_coordinates_are_refused_with_their_row_index() -> None:
    with pytest.raises(HotspotInputError, match=r"NaN\) aux indices 1, 3") as caught:
        grid_hotspots([1.0, np.nan, 1.1, 1.2], [49.0, 49.1, 49.2, np.nan])
    assert caught.value.rows == [1, 3]


def test_swapped_coordinates_are_refused() -> None:
    with pytest.raises(HotspotInputError, match="inversées") as caught:
        grid_hotspots([1.0, 49.1], [49.0, 1.1])
    assert "200 km" in str(caught.value)
    with pytest.raises(HotspotInputError, match="indices 1") as caught:
        grid_hotspots([1.0, 1.1], [49.0, 149.0])
    assert caught.value.rows == [1]


def test_bad_weights_are_refused_with_their_row_index() -> None:
    with pytest.raises(HotspotInputError, match="indices 0, 2") as caught:
        grid_hotspots([1.0, 1.1, 1.2], [49.0, 49.1, 49.2], [-1, 2, 1.5])
    assert caught.value.rows == [0, 2]


def test_all_events_in_one_cell_is_refused() -> None:
    with pytest.raises(ValueError, match="même maille de 200 m"):
        grid_hotspots([1.0, 1.0], [49.0, 49.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell_size": 0}, "cell_size"),
        ({"bandwidth": -1}, "bandwidth"),
        ({"neighbourhood": 100}, "neighbourhood"),
        ({"alpha": 1.0}, "alpha"),
        ({"cell_size": 1}, "mailles"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        grid_hotspots([1.0, 1.5], [49.0, 49.5], **kwargs)


# A verdict only when the data allow one.


def test_too_few_events_test_nothing_and_say_how_many_are_needed() -> None:
    rng = np.random.default_rng(17)
    x = np.concatenate([rng.normal(500, 30, 6), rng.uniform(0, 3000, 11)])
    y = np.concatenate([rng.normal(500, 30, 6), rng.uniform(0, 3000, 11)])
    grid = grid_hotspots(*lonlat_from_metres(x, y))
    assert grid.n_events == 17 and grid.n_tested == 0
    assert not grid.hot.any() and not grid.cold.any() and np.isnan(grid.q).all()
    assert grid.reason.startswith("17 événements : il en faut au moins 30 pour chercher")
    assert {c["label"] for c in grid.cells()} == {"Non significatif"}


def test_exact_p_values_are_binomial_tails_of_the_neighbourhood() -> None:
    """An interior cell: its 3 x 3 neighbourhood covers 9 full cells of the box, the events'
    bounding box (whose last column and row are partial): p = 2 min(P(X >= k), P(X <= k)),
    X ~ Binomial(N, 9 c^2 / box area), computed here from the box itself."""
    from scipy.stats import binom

    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 2900, 400), rng.uniform(0, 2500, 400)
    lon, lat = lonlat_from_metres(x, y)
    grid = grid_hotspots(lon, lat)
    px, py = project_lonlat(lon, lat, origin=grid.origin)
    box = (px.max() - px.min()) * (py.max() - py.min())
    rows, cols = np.nonzero(grid.observed)
    r, c = rows.min() + 5, cols.min() + 5
    k = int(grid.counts[r - 1 : r + 2, c - 1 : c + 2].sum())
    share = 9 * 200.0**2 / box
    expected = min(1.0, 2 * min(binom.sf(k - 1, 400, share), binom.cdf(k, 400, share)))
    assert grid.p_exact[r, c] == pytest.approx(expected, rel=1e-9)
    assert grid.n_tested == int(grid.observed.sum())


def test_a_hot_cell_needs_enough_events_in_its_neighbourhood() -> None:
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.uniform(0, 4000, 2000), rng.normal(2500, 60, 150)])
    y = np.concatenate([rng.uniform(0, 4000, 2000), rng.normal(1500, 60, 150)])
    lon, lat = lonlat_from_metres(x, y)
    assert grid_hotspots(lon, lat).hot.any()
    strict = grid_hotspots(lon, lat, min_cell_events=10_000)
    assert not strict.hot.any()
    # Nor at the 90 % level of the map's legend, nor in the cells listed.
    assert not any(level.startswith("hot") for level in strict.levels().ravel())
    assert not any(cell["label"].startswith("Point chaud") for cell in strict.cells())


def test_complete_spatial_randomness_rarely_shows_a_hot_spot() -> None:
    """400 maps of 200 events uniform on a 3 x 3.4 km box: under the global null every
    discovery is false, so the false discovery rate is the share of maps with any hot or
    cold cell: at most 5 % plus 4 simulation errors (sqrt(0.05 * 0.95 / 400) = 1.1 points)."""
    rng = np.random.default_rng(2026)
    flagged = 0
    for _ in range(400):
        lon, lat = lonlat_from_metres(rng.uniform(0, 3000, 200), rng.uniform(0, 3400, 200))
        grid = grid_hotspots(lon, lat)
        flagged += bool(grid.hot.any() or grid.cold.any())
    assert flagged / 400 <= 0.05 + 4 * math.sqrt(0.05 * 0.95 / 400)
