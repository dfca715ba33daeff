"""Hot spots of geocoded incidents: kernel density and Getis-Ord Gi* on a regular grid.

Partners upload incidents as WGS84 longitude/latitude, with an optional count per row. The
events are projected to metres around the territory (:func:`project_lonlat`), counted on a
square grid, then two maps are computed on that grid by convolution:

- **Kernel density** (quartic, also called biweight, kernel of radius ``bandwidth``), in events
  per km², at each cell centre. The kernel's weights at the cell offsets are rescaled to sum to
  one, so the map keeps exactly the number of events: the continuous kernel sampled every 200 m
  with a 400 m bandwidth would sum to 1.015, not 1.
- **Getis-Ord Gi*** (Getis and Ord 1992, "The analysis of spatial association by use of distance
  statistics", Geographical Analysis 24; Ord and Getis 1995, "Local spatial autocorrelation
  statistics", Geographical Analysis 27, eq. for G*i). Binary weights: ``w_ij = 1`` when the
  centres of cells i and j are at most ``neighbourhood`` metres apart, the cell itself included
  (the "star"). With ``x`` the counts of the n observed cells, ``W_i = sum_j w_ij``,
  ``S² = sum x² / n - mean²``::

      z_i = (sum_j w_ij x_j - mean * W_i) / (S * sqrt((n * W_i - W_i²) / (n - 1)))

  This is what ``esda.G_Local(y, w, star=True, transform="B")`` returns as ``Zs`` (the tests
  check it). ``p`` is two-sided from the normal approximation, twice esda's one-sided
  ``p_norm``. A cell whose z has no variance (every observed cell holds the same count) gets
  ``z = 0`` and ``p = 1``.

Which cells are observations. The grid is the events' bounding box (the *window*), whole cells
from the westernmost and southernmost event, plus a margin of ``ceil(bandwidth / cell_size)``
empty cells on each side so that the density loses no event at the edges. Gi* uses the window's
cells only, empty ones included: why? Because the margin is empty by construction, not by
observation; counting it would lower the mean and make every cell of the territory look hot
(uniform points would then give a hot centre). Margin cells have ``z``, ``p`` and ``q`` NaN and
are never hot or cold. The null hypothesis is therefore "events spread at random over the
window"; where the territory fills its bounding box poorly (a coastline, a river), cells outside
it count as empty and make the rest look hotter.

Enough events, exact p-values. With 17 events on a thousand cells, a cell holding 1 or 2 of
them has a huge Gi* z: the normal approximation fails on sparse counts, and such cells looked
"hot, 99 %". Under complete spatial randomness, given the ``N`` events spread uniformly over
their bounding box, a neighbourhood covering a share ``a_i`` of the box holds ``Binomial(N,
a_i)`` events: ``p_exact`` is that exact two-sided tail, and the decisions use it (``z`` and
the normal ``p`` stay for reading and equal esda's). On top of it: with fewer than
``min_events`` (30) events nothing is tested and ``reason`` says how many are needed; a hot
cell must hold at least ``min_cell_events`` (5) events in its neighbourhood. (A row weighted by
a count of ``k`` events counts as ``k`` independent events: clustered rows make the test
liberal.)

Multiple testing. A grid of 10,000 cells tested at 5 % would show about 500 "hot spots" in pure
noise. ``hot`` and ``cold`` are decided on Benjamini-Hochberg adjusted p-values ``q`` (false
discovery rate at ``alpha`` over the tested cells, the whole window, as ArcGIS's FDR option
does) computed from ``p_exact``; the raw ``p`` values are kept for reading. Neighbouring Gi*
share cells, so the tests are positively dependent, the case in which Benjamini and Yekutieli
(2001) showed the procedure still holds.
The level of a cell grades the evidence: "hot 99 %" when ``q <= 0.01``, "hot 95 %" when
``q <= 0.05``, "hot 90 %" when ``q <= 0.10``, likewise for cold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal
from scipy.stats import binom, norm

from crimestats.french import number

__all__ = [
    "MAX_CELLS",
    "MAX_EXTENT_M",
    "MIN_CELL_EVENTS",
    "MIN_EVENTS",
    "HotspotGrid",
    "HotspotInputError",
    "grid_hotspots",
    "project_lonlat",
    "unproject",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# WGS84 ellipsoid.
_A: Final = 6_378_137.0
_F: Final = 1 / 298.257223563
_E2: Final = _F * (2 - _F)

MAX_EXTENT_M: Final = 200_000.0
"""Widest accepted spread of events (bounding box side), in metres: within it no event is more
than 283 km from the mean position, where the projection stays within 0.1 %; beyond, events
are more likely mis-geocoded than a territory's."""

MAX_CELLS: Final = 4_000_000
"""Largest grid accepted (each map is then 32 MB)."""

MIN_EVENTS: Final = 30
"""Fewest events for a hot-spot search (below, nothing is tested; bench/calibration.py)."""

MIN_CELL_EVENTS: Final = 5
"""Fewest events in a cell's neighbourhood (the cell and its 8 neighbours by default), observed
or expected, for the cell to be tested."""

_LEVELS: Final = ((0.01, "99 %"), (0.05, "95 %"), (0.10, "90 %"))
_LABELS: Final = {"hot": "Point chaud", "cold": "Point froid"}


class HotspotInputError(ValueError):
    """Input that cannot be mapped; ``rows`` holds the 0-based indices of the faulty rows."""

    def __init__(self, message: str, rows: list[int] | None = None) -> None:
        super().__init__(message)
        self.rows = rows or []


def _ecef(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    lam, phi = np.radians(lon), np.radians(lat)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    n = _A / np.sqrt(1 - _E2 * sin_phi * sin_phi)
    return n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1 - _E2) * sin_phi


def _axes(origin: tuple[float, float]) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Origin in ECEF and the east, north and up unit vectors of its tangent plane."""
    lon0, lat0 = origin
    lam, phi = math.radians(lon0), math.radians(lat0)
    o = np.array([c.item() for c in _ecef(np.array(lon0), np.array(lat0))])
    east = np.array([-math.sin(lam), math.cos(lam), 0.0])
    north = np.array(
        [-math.sin(phi) * math.cos(lam), -math.sin(phi) * math.sin(lam), math.cos(phi)]
    )
    up = np.array([math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)])
    return o, east, north, up


def project_lonlat(
    lon: npt.ArrayLike, lat: npt.ArrayLike, *, origin: tuple[float, float] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Longitude/latitude (WGS84 degrees) -> east/north metres around ``origin``.

    ``origin`` is ``(lon, lat)``, by default the mean of the points. The projection is the
    local tangent plane of the WGS84 ellipsoid at the origin (east-north of the geocentric
    coordinates, an orthographic projection): the scale at distance d from the origin is
    ``cos(d / R)``, so distances are right to 0.0005 % within 20 km (a commune), 0.013 % within
    100 km (the largest EPCI) and 0.1 % within 285 km; :data:`MAX_EXTENT_M` bounds it. A plain
    equirectangular projection, by comparison, is already 0.18 % off east-west 10 km north of
    its origin at 49° N.

    >>> x, y = project_lonlat([1.0, 1.0, 1.01], [49.0, 49.01, 49.0], origin=(1.0, 49.0))
    >>> [round(float(v)) for v in x], [round(float(v)) for v in y]
    ([0, 0, 732], [0, 1112, 0])
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    if origin is None:
        origin = (float(np.mean(lon_a)), float(np.mean(lat_a)))
    o, east, north, _ = _axes(origin)
    px, py, pz = _ecef(lon_a, lat_a)
    dx, dy, dz = px - o[0], py - o[1], pz - o[2]
    x = dx * east[0] + dy * east[1]
    y = dx * north[0] + dy * north[1] + dz * north[2]
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def unproject(
    x: npt.ArrayLike, y: npt.ArrayLike, *, origin: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`project_lonlat`: east/north metres -> ``(lon, lat)`` in degrees.

    The point of the ellipsoid below the plane point is found in closed form (a quadratic
    along the origin's vertical), so a round trip is exact to the micrometre.

    >>> x, y = project_lonlat([1.01, 2.0], [49.0, 48.5], origin=(1.0, 49.0))
    >>> lon, lat = unproject(x, y, origin=(1.0, 49.0))
    >>> [round(float(v), 9) for v in lon], [round(float(v), 9) for v in lat]
    ([1.01, 2.0], [49.0, 48.5])
    """
    x_a = np.asarray(x, dtype=np.float64)
    y_a = np.asarray(y, dtype=np.float64)
    o, east, north, up = _axes(origin)
    base = [o[i] + x_a * east[i] + y_a * north[i] for i in range(3)]
    # Solve |base + u * up| on the ellipsoid: (X² + Y²) / a² + Z² / b² = 1, root nearest 0.
    b2 = _A * _A * (1 - _E2)
    scale = np.array([1 / (_A * _A), 1 / (_A * _A), 1 / b2])
    qa = float(np.sum(up * up * scale))
    qb = 2 * sum(base[i] * up[i] * scale[i] for i in range(3))
    qc = sum(base[i] * base[i] * scale[i] for i in range(3)) - 1
    root = np.sqrt(qb * qb - 4 * qa * qc)
    # Numerically stable form of (-qb + root) / (2 qa), the small root.
    u = -2 * qc / (qb + root)
    px, py, pz = (base[i] + u * up[i] for i in range(3))
    lon = np.degrees(np.arctan2(py, px))
    lat = np.degrees(np.arctan2(pz, (1 - _E2) * np.hypot(px, py)))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class HotspotGrid:
    """Grid of counts, density and Gi* of a set of events; arrays are ``(ny, nx)``, read-only,
    row 0 at the south, column 0 at the west.

    Cell ``(row, col)`` spans ``x0 + col * cell_size`` to ``x0 + (col + 1) * cell_size`` east
    and ``y0 + row * cell_size`` to ``y0 + (row + 1) * cell_size`` north, in the metres of
    :func:`project_lonlat` around ``origin``.
    """

    x0: float
    y0: float
    cell_size: float
    origin: tuple[float, float]
    counts: IntArray
    density: FloatArray
    z: FloatArray
    p: FloatArray
    hot: BoolArray
    cold: BoolArray
    q: FloatArray
    """Benjamini-Hochberg adjusted ``p_exact`` over the tested cells (NaN elsewhere)."""
    p_exact: FloatArray
    """Exact two-sided p-value of the neighbourhood's count under complete spatial randomness
    (binomial given the number of events), NaN outside the window."""
    observed: BoolArray
    """Cells that are Gi* observations: the events' bounding box, not the margin."""
    alpha: float
    bandwidth: float
    neighbourhood: float
    n_events: int
    tested: BoolArray
    """Cells actually tested (the false discovery rate is controlled over them): the window's
    cells, none when there are fewer than ``min_events`` events."""
    min_events: int
    min_cell_events: int
    enough: BoolArray
    """Cells whose neighbourhood holds at least ``min_cell_events`` events: only they can be
    hot, at any level."""
    reason: str
    """Why nothing was tested (French), or ""."""

    @property
    def n_tested(self) -> int:
        return int(self.tested.sum())

    @property
    def shape(self) -> tuple[int, int]:
        ny, nx = self.counts.shape
        return int(ny), int(nx)

    def levels(self) -> npt.NDArray[np.str_]:
        """Level of every cell: "hot 99 %", "hot 95 %", "hot 90 %", "cold ..." or
        "not significant" (margin cells included)."""
        out = np.full(self.shape, "not significant", dtype="<U15")
        q = np.where(self.tested, self.q, np.inf)
        for threshold, name in reversed(_LEVELS):
            out[(q <= threshold) & (self.z > 0) & self.enough] = f"hot {name}"
            out[(q <= threshold) & (self.z < 0)] = f"cold {name}"
        return out

    def cells(self) -> list[dict[str, Any]]:
        """One dict per cell that holds events or is significant at 90 % at least, row-major.

        Keys: ``row``, ``col``; ``lon``, ``lat`` of the centre; ``corners``, four
        ``(lon, lat)`` pairs south-west, south-east, north-east, north-west (GeoJSON order;
        Leaflet wants ``[lat, lon]``); ``bbox`` ``(west, south, east, north)``; ``count``,
        ``density`` (events per km²), ``z``, ``p`` (exact under complete spatial randomness, raw,
        two-sided), ``p_normal`` (Gi*'s normal approximation), ``q`` (after
        Benjamini-Hochberg), ``hot``, ``cold``, ``level`` and ``label`` (French, for display).
        """
        levels = self.levels()
        rows, cols = np.nonzero((self.counts > 0) | (levels != "not significant"))
        c = self.cell_size
        west = self.x0 + cols * c
        south = self.y0 + rows * c
        xs = np.stack([west, west + c, west + c, west, west + c / 2], axis=1)
        ys = np.stack([south, south, south + c, south + c, south + c / 2], axis=1)
        lon, lat = unproject(xs, ys, origin=self.origin)
        out: list[dict[str, Any]] = []
        for k, (r, col) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            level = str(levels[r, col])
            kind, _, confidence = level.partition(" ")
            label = (
                f"{_LABELS[kind]}, confiance {confidence}"
                if kind in _LABELS
                else "Non significatif"
            )
            corners = [(float(lon[k, i]), float(lat[k, i])) for i in range(4)]
            out.append(
                {
                    "row": r,
                    "col": col,
                    "lon": float(lon[k, 4]),
                    "lat": float(lat[k, 4]),
                    "corners": corners,
                    "bbox": (
                        float(lon[k, :4].min()),
                        float(lat[k, :4].min()),
                        float(lon[k, :4].max()),
                        float(lat[k, :4].max()),
                    ),
                    "count": int(self.counts[r, col]),
                    "density": float(self.density[r, col]),
                    "z": float(self.z[r, col]),
                    "p": float(self.p_exact[r, col]),
                    "p_normal": float(self.p[r, col]),
                    "q": float(self.q[r, col]),
                    "hot": bool(self.hot[r, col]),
                    "cold": bool(self.cold[r, col]),
                    "level": level,
                    "label": label,
                }
            )
        return out


def _rows(mask: BoolArray) -> str:
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(i) for i in rows[:10].tolist())
    more = f" ({rows.size} au total)" if rows.size > 10 else ""
    return f"{shown}{more}"


def _check(
    lon: npt.ArrayLike, lat: npt.ArrayLike, weights: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray, IntArray]:
    lon_a = np.asarray(lon, dtype=np.float64).ravel()
    lat_a = np.asarray(lat, dtype=np.float64).ravel()
    if lon_a.shape != lat_a.shape:
        raise HotspotInputError(
            f"longitudes et latitudes de longueurs différentes ({lon_a.size} et {lat_a.size})."
        )
    if lon_a.size == 0:
        raise HotspotInputError("Aucun événement géolocalisé : la carte ne peut pas être faite.")
    bad = np.isnan(lon_a) | np.isnan(lat_a)
    if bad.any():
        raise HotspotInputError(
            f"Coordonnées manquantes (NaN) aux indices {_rows(bad)} (à partir de 0).",
            np.flatnonzero(bad).tolist(),
        )
    bad = ~((np.abs(lon_a) <= 180) & (np.abs(lat_a) <= 90))
    if bad.any():
        raise HotspotInputError(
            "Coordonnées hors des bornes (longitude entre -180 et 180, latitude entre -90 et 90) "
            f"aux indices {_rows(bad)} (à partir de 0) : longitude et latitude inversées ?",
            np.flatnonzero(bad).tolist(),
        )
    if weights is None:
        w = np.ones(lon_a.size, dtype=np.int64)
    else:
        w_f = np.asarray(weights, dtype=np.float64).ravel()
        if w_f.shape != lon_a.shape:
            raise HotspotInputError(f"{w_f.size} nombres d'événements pour {lon_a.size} positions.")
        bad = ~np.isfinite(w_f) | (w_f < 0) | (w_f != np.floor(w_f))
        if bad.any():
            raise HotspotInputError(
                "Le nombre d'événements d'une ligne doit être un entier positif ou nul : "
                f"indices {_rows(bad)} (à partir de 0).",
                np.flatnonzero(bad).tolist(),
            )
        w = w_f.astype(np.int64)
    total = int(w.sum())
    if total == 0:
        raise HotspotInputError("Aucun événement géolocalisé : la carte ne peut pas être faite.")
    if total == 1:
        raise HotspotInputError(
            "Un seul événement géolocalisé : il en faut au moins deux pour chercher des points "
            "chauds."
        )
    return lon_a, lat_a, w


_DIRECT_LIMIT = 50_000_000
"""Above this many multiplications, convolve by FFT (the same sums to about 1e-12)."""


def _correlate(values: FloatArray, kernel: FloatArray) -> FloatArray:
    """Sum of ``kernel``-weighted neighbours of every cell, outside the grid counting as 0."""
    if values.size * np.count_nonzero(kernel) <= _DIRECT_LIMIT:
        return np.asarray(
            ndimage.correlate(values, kernel, mode="constant", cval=0.0), dtype=np.float64
        )
    # The kernels are symmetric: convolution and correlation are the same.
    return np.asarray(signal.fftconvolve(values, kernel, mode="same"), dtype=np.float64)


def _offsets(radius_cells: float) -> tuple[FloatArray, FloatArray]:
    r = math.floor(radius_cells + 1e-9)
    d = np.arange(-r, r + 1, dtype=np.float64)
    return d[None, :], d[:, None]


def _quartic(bandwidth: float, cell_size: float) -> FloatArray:
    dx, dy = _offsets(bandwidth / cell_size)
    u2 = (dx * dx + dy * dy) * (cell_size / bandwidth) ** 2
    kernel = np.where(u2 < 1, (1 - u2) ** 2, 0.0)
    return np.asarray(kernel / kernel.sum(), dtype=np.float64)


def _band(neighbourhood: float, cell_size: float) -> FloatArray:
    ratio = neighbourhood / cell_size
    dx, dy = _offsets(ratio)
    # Tolerance: a centre exactly at the band's distance is inside it.
    return np.asarray(dx * dx + dy * dy <= ratio * ratio * (1 + 1e-9), dtype=np.float64)


def _getis_ord_star(
    counts: IntArray, observed: BoolArray, band: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Gi* z-scores and two-sided normal p-values of the observed cells (NaN elsewhere)."""
    x = np.where(observed, counts, 0).astype(np.float64)
    obs = observed.astype(np.float64)
    n = int(observed.sum())
    values = x[observed]
    mean = float(values.mean())
    s = float(np.sqrt(np.mean((values - mean) ** 2)))
    # Sums of integers: round away the floating-point noise of the FFT path.
    local = np.rint(_correlate(x, band))
    cardinality = np.rint(_correlate(obs, band))
    spread = s * np.sqrt(np.maximum(n * cardinality - cardinality**2, 0.0) / (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(spread > 0, (local - mean * cardinality) / spread, 0.0)
    z = np.where(observed, z, np.nan)
    p = np.where(observed, 2 * norm.sf(np.abs(z)), np.nan)
    return np.asarray(z, dtype=np.float64), np.asarray(p, dtype=np.float64)


def _binomial_p(
    local: FloatArray, share: FloatArray, n_events: int, observed: BoolArray
) -> FloatArray:
    """Exact two-sided p-value of each neighbourhood's count under complete spatial randomness:
    given the ``n_events`` events, each falls uniformly in their bounding box, so a
    neighbourhood covering a ``share`` of the box holds ``Binomial(n_events, share)`` of them;
    ``p = min(1, 2 * min(P(X >= local), P(X <= local)))``, NaN outside the window."""
    share = np.clip(share, 0.0, 1.0)
    upper = binom.sf(local - 1, n_events, share)
    lower = binom.cdf(local, n_events, share)
    p = np.minimum(1.0, 2 * np.minimum(upper, lower))
    return np.asarray(np.where(observed, p, np.nan), dtype=np.float64)


def _benjamini_hochberg(p: FloatArray) -> FloatArray:
    """Adjusted p-values (NaN kept): a cell is significant at FDR ``a`` when ``q <= a``."""
    q = np.full(p.shape, np.nan)
    known = ~np.isnan(p)
    values = p[known]
    m = values.size
    order = np.argsort(values)
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    out = np.empty(m)
    out[order] = adjusted
    q[known] = out
    return q


_Array = TypeVar("_Array", bound="np.ndarray[Any, Any]")


def _readonly(a: _Array) -> _Array:
    a.flags.writeable = False
    return a


def grid_hotspots(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    *,
    cell_size: float = 200.0,
    bandwidth: float = 400.0,
    neighbourhood: float | None = None,
    alpha: float = 0.05,
    min_events: int = MIN_EVENTS,
    min_cell_events: int = MIN_CELL_EVENTS,
) -> HotspotGrid:
    """Count the events on a square grid, then compute their kernel density and Gi*.

    A verdict only when the data allow one: with fewer than ``min_events`` events no cell is
    tested (``reason`` says how many are needed); otherwise only the cells whose neighbourhood
    holds at least ``min_cell_events`` events (candidates for a hot spot) or would hold that
    many on average (where an empty neighbourhood can be a cold spot) are tested, and the
    Benjamini-Hochberg procedure runs over those cells.

    ``weights`` is the number of events of each row (whole numbers, 1 by default).
    ``neighbourhood`` defaults to ``1.5 * cell_size``: the cell and its eight neighbours.
    Errors (:class:`HotspotInputError`, a ``ValueError``) are in French and name the faulty
    rows by their 0-based index.

    >>> lon = [1.0000, 1.0001, 1.0002, 1.0001, 1.0300]
    >>> lat = [49.0000, 49.0001, 49.0000, 49.0002, 49.0300]
    >>> grid = grid_hotspots(lon, lat, cell_size=500, bandwidth=500)
    >>> grid.shape, int(grid.counts.sum()), int(grid.counts[1, 1])
    ((9, 7), 5, 4)
    >>> round(float(grid.density[1, 1]), 1)  # 4 events, kernel weight 1 over 0.25 km²
    16.0
    """
    for name, value in (("cell_size", cell_size), ("bandwidth", bandwidth)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} doit être un nombre de mètres positif, reçu {value}.")
    if neighbourhood is None:
        neighbourhood = 1.5 * cell_size
    if not (math.isfinite(neighbourhood) and neighbourhood >= cell_size):
        raise ValueError(
            f"neighbourhood doit être au moins la taille d'une maille ({cell_size} m), "
            f"reçu {neighbourhood}."
        )
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha doit être dans ]0, 1[, reçu {alpha}.")

    lon_a, lat_a, w = _check(lon, lat, weights)
    keep = w > 0
    lon_a, lat_a, w = lon_a[keep], lat_a[keep], w[keep]
    origin = (float(np.mean(lon_a)), float(np.mean(lat_a)))
    x, y = project_lonlat(lon_a, lat_a, origin=origin)
    xmin, xmax, ymin, ymax = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    extent = max(xmax - xmin, ymax - ymin)
    if extent > MAX_EXTENT_M:
        raise HotspotInputError(
            f"Les événements s'étendent sur {extent / 1000:.0f} km, plus que les "
            f"{MAX_EXTENT_M / 1000:.0f} km d'une carte locale : des coordonnées sont-elles mal "
            "géocodées ou inversées ?"
        )
    wx = int((xmax - xmin) // cell_size) + 1
    wy = int((ymax - ymin) // cell_size) + 1
    if wx * wy < 2:
        raise HotspotInputError(
            f"Tous les événements tombent dans une même maille de {cell_size:g} m : rien à "
            "comparer. Choisir des mailles plus petites."
        )
    margin = math.ceil(bandwidth / cell_size - 1e-9)
    nx, ny = wx + 2 * margin, wy + 2 * margin
    if nx * ny > MAX_CELLS:
        raise HotspotInputError(
            f"La grille compterait {number(nx * ny)} mailles (plus de {number(MAX_CELLS)}) : "
            "choisir des mailles plus grandes."
        )
    x0 = xmin - margin * cell_size
    y0 = ymin - margin * cell_size
    col = np.clip(((x - x0) // cell_size).astype(np.int64), margin, margin + wx - 1)
    row = np.clip(((y - y0) // cell_size).astype(np.int64), margin, margin + wy - 1)
    counts = np.bincount(row * nx + col, weights=w, minlength=nx * ny)
    counts = np.rint(counts).astype(np.int64).reshape(ny, nx)

    density = _correlate(counts.astype(np.float64), _quartic(bandwidth, cell_size))
    density = np.maximum(density, 0.0) / (cell_size * cell_size) * 1e6

    observed = np.zeros((ny, nx), dtype=bool)
    observed[margin : margin + wy, margin : margin + wx] = True
    band = _band(neighbourhood, cell_size)
    z, p = _getis_ord_star(counts, observed, band)
    n_events = int(w.sum())
    if min_events < 0 or min_cell_events < 0:
        raise ValueError("min_events et min_cell_events : des nombres d'événements positifs")
    reason = ""
    if n_events < min_events:
        tested = np.zeros(observed.shape, dtype=bool)
        reason = (
            f"{number(n_events)} événements : il en faut au moins {number(min_events)} pour "
            "chercher des points chauds (avec moins, une cellule de 1 ou 2 faits paraît "
            "« chaude » par le seul hasard)"
        )
    else:
        tested = observed.copy()
    local = np.rint(_correlate(np.where(observed, counts, 0).astype(np.float64), band))
    # Share of the events' bounding box each neighbourhood covers: the window's last column
    # and row stick out of the box, so they are weighed by the part of them inside it.
    fx = np.clip(
        np.minimum(x0 + (np.arange(nx) + 1) * cell_size, xmax)
        - np.maximum(x0 + np.arange(nx) * cell_size, xmin),
        0.0,
        cell_size,
    )
    fy = np.clip(
        np.minimum(y0 + (np.arange(ny) + 1) * cell_size, ymax)
        - np.maximum(y0 + np.arange(ny) * cell_size, ymin),
        0.0,
        cell_size,
    )
    area = np.where(observed, np.outer(fy, fx), 0.0)
    if not area.sum() > 0:  # events on one line: every window cell weighs the same
        area = observed.astype(np.float64)
    share = np.maximum(_correlate(area, band), 0.0) / float(area.sum())
    p_exact = _binomial_p(local, share, n_events, observed)
    q = _benjamini_hochberg(np.where(tested, p_exact, np.nan))
    significant = np.where(tested, q, np.inf) <= alpha
    # A flagged hot cell holds at least min_cell_events events in its neighbourhood.
    enough = local >= min_cell_events
    return HotspotGrid(
        x0=x0,
        y0=y0,
        cell_size=float(cell_size),
        origin=origin,
        counts=_readonly(counts),
        density=_readonly(density),
        z=_readonly(z),
        p=_readonly(p),
        hot=_readonly(significant & (z > 0) & enough),
        cold=_readonly(significant & (z < 0)),
        p_exact=_readonly(p_exact),
        q=_readonly(q),
        observed=_readonly(observed),
        alpha=float(alpha),
        bandwidth=float(bandwidth),
        neighbourhood=float(neighbourhood),
        n_events=n_events,
        tested=_readonly(tested),
        min_events=int(min_events),
        min_cell_events=int(min_cell_events),
        enough=_readonly(enough),
        reason=reason,
    )
