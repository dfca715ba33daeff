"""Calibration of design weights to population margins (Deville and Särndal 1992).

The design weights ``d`` of the answers are changed as little as possible so that the weighted
sample reproduces known population figures: the number of people in each category of a
categorical variable (sex, age band, neighbourhood), and the total of numeric variables. The new
weight of answer ``k`` is ``w_k = d_k F(x_k' lambda)``, where ``x_k`` is the answer's vector of
calibration variables (one indicator per category, the numeric values) and ``lambda`` solves the
calibration equations ``sum_k d_k F(x_k' lambda) x_k = T`` (``T`` the population figures).
The calibration function ``F`` is the method (the names of the SAS macro Calmar, Sautory 1993):

- ``linear`` (generalised regression, GREG): ``F(u) = 1 + u``; one step, a closed form; weights
  may turn negative;
- ``raking``: ``F(u) = exp(u)``; weights stay positive; on categorical margins alone, the same
  weights as iterative proportional fitting;
- ``logit`` with bounds ``L < 1 < U``: ``F(u) = L + (U - L) expit(A u + log((1 - L)/(U - 1)))``,
  ``A = (U - L) / ((1 - L)(U - 1))``; every ratio ``w_k / d_k`` stays within ``[L, U]``.

The equations are solved by Newton's method from ``lambda = 0`` (all methods have ``F(0) = 1``,
``F'(0) = 1``), each step halved until the largest relative gap to the margins shrinks. The
solution is found when every calibrated figure is within ``tol`` (relative) of its target;
otherwise (``max_iter`` steps, or no step that gets closer) :class:`CalibrationError` says
which margin and category is furthest from its figure.

Model matrix: all the categories of the first categorical margin, all but the first category of
each further one (their totals are implied, the margins summing to the same population), then
the numeric variables. It is the matrix the linearised variance regresses on
(:mod:`crimestats.survey.estimation`).

>>> result = calibrate(
...     [10.0, 10.0, 10.0, 10.0],
...     [CategoricalMargin("sexe", ["F", "F", "H", "H"], {"F": 52, "H": 48})],
...     method="raking",
... )
>>> result.weights.round(9).tolist()
[26.0, 26.0, 24.0, 24.0]
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from crimestats.french import number

__all__ = [
    "CalibrationError",
    "CalibrationResult",
    "CategoricalMargin",
    "Method",
    "NumericTotal",
    "calibrate",
]

FloatArray = npt.NDArray[np.float64]
Method = Literal["linear", "raking", "logit"]

_TOTALS_RTOL = 1e-6
"""Relative tolerance of "the margins sum to the same total" (population figures are counts)."""


class CalibrationError(ValueError):
    """Bad margins or weights that cannot be calibrated; the message (in French) names the
    margin and the category. ``margin`` and ``category`` hold them for the caller."""

    def __init__(
        self, message: str, *, margin: str | None = None, category: Hashable | None = None
    ) -> None:
        super().__init__(message)
        self.margin = margin
        self.category = category


@dataclass(frozen=True)
class CategoricalMargin:
    """A categorical variable: ``sample`` its category for each answer, ``totals`` the number of
    people of the population in each category (the order of ``totals`` is kept)."""

    name: str
    sample: Sequence[Hashable]
    totals: Mapping[Hashable, float]


@dataclass(frozen=True)
class NumericTotal:
    """A numeric variable: ``sample`` its value for each answer, ``total`` its population
    total."""

    name: str
    sample: npt.ArrayLike
    total: float


@dataclass(frozen=True)
class CalibrationResult:
    """Calibrated ``weights``; ``design_weights`` the weights before; ``g = weights /
    design_weights``; ``model_matrix`` (n x p) and ``targets`` (p) the calibration equations,
    ``columns`` (margin, category) naming each column (category None for a numeric total)."""

    weights: FloatArray
    design_weights: FloatArray
    method: Method
    bounds: tuple[float, float] | None
    iterations: int
    model_matrix: FloatArray
    targets: FloatArray
    columns: tuple[tuple[str, Hashable | None], ...]

    @property
    def g(self) -> FloatArray:
        """The calibration ratios ``w / d``."""
        return self.weights / self.design_weights


def _label(value: Hashable) -> str:
    return str(value)


def _count(codes: npt.NDArray[np.int64], weights: FloatArray, k: int) -> FloatArray:
    """Sum of ``weights`` by code, 0 to ``k - 1``."""
    return np.bincount(codes, weights=weights, minlength=k).astype(np.float64, copy=False)


@dataclass(frozen=True)
class _Model:
    """The model matrix kept sparse: each categorical margin as category codes (its columns are
    categories ``start`` to ``k - 1``), the numeric variables as a dense block. Newton's products
    are then counts by category (``bincount``), not products of a mostly-zero matrix."""

    categorical: tuple[tuple[npt.NDArray[np.int64], int, int], ...]
    numeric: FloatArray
    targets: FloatArray
    names: tuple[tuple[str, Hashable | None], ...]

    def dot(self, lam: FloatArray) -> FloatArray:
        """``X lambda``."""
        u = self.numeric @ lam[lam.size - self.numeric.shape[1] :]
        at = 0
        for codes, k, start in self.categorical:
            full = np.zeros(k)
            full[start:] = lam[at : at + k - start]
            u = u + full[codes]
            at += k - start
        return u

    def tdot(self, v: FloatArray) -> FloatArray:
        """``X' v``."""
        parts: list[FloatArray] = [_count(c, v, k)[s:] for c, k, s in self.categorical]
        parts.append(self.numeric.T @ v)
        return np.concatenate(parts)

    def gram(self, v: FloatArray) -> FloatArray:
        """``X' diag(v) X``."""
        blocks: list[list[FloatArray]] = []
        for i, (ci, ki, si) in enumerate(self.categorical):
            row: list[FloatArray] = []
            for j, (cj, kj, sj) in enumerate(self.categorical):
                block: FloatArray
                if i == j:
                    block = np.diag(_count(ci, v, ki))
                else:
                    block = _count(ci * kj + cj, v, ki * kj).reshape(ki, kj)
                row.append(block[si:, sj:])
            vx = self.numeric * v[:, None]
            row.append(
                np.stack([_count(ci, col, ki)[si:] for col in vx.T], axis=1)
                if vx.shape[1]
                else np.zeros((ki - si, 0))
            )
            blocks.append(row)
        vx = self.numeric * v[:, None]
        blocks.append([b[-1].T for b in blocks] + [self.numeric.T @ vx])
        return np.block(blocks) if self.categorical else self.numeric.T @ vx

    def dense(self) -> FloatArray:
        """The model matrix ``X`` (n x p)."""
        n = self.numeric.shape[0]
        columns = []
        for codes, k, start in self.categorical:
            indicators = np.zeros((n, k))
            indicators[np.arange(n), codes] = 1.0
            columns.append(indicators[:, start:])
        columns.append(self.numeric)
        return np.concatenate(columns, axis=1)


def _model(
    n: int,
    margins: Sequence[CategoricalMargin | NumericTotal],
    population_total: float | None,
) -> _Model:
    """Check the margins against the sample and build the calibration equations."""
    categorical: list[tuple[npt.NDArray[np.int64], int, int]] = []
    numeric: list[FloatArray] = []
    cat_targets: list[float] = []
    num_targets: list[float] = []
    cat_names: list[tuple[str, Hashable | None]] = []
    num_names: list[tuple[str, Hashable | None]] = []
    first: tuple[str, float] | None = None
    if population_total is not None:
        first = ("population totale", float(population_total))
    for margin in margins:
        if len(margin.sample) != n:  # type: ignore[arg-type]
            raise CalibrationError(
                f"La marge « {margin.name} » a {number(len(margin.sample))} valeurs pour "  # type: ignore[arg-type]
                f"{number(n)} réponses.",
                margin=margin.name,
            )
        if isinstance(margin, NumericTotal):
            x = np.asarray(margin.sample, dtype=np.float64)
            bad = np.flatnonzero(~np.isfinite(x))
            if bad.size:
                raise CalibrationError(
                    f"La variable « {margin.name} » n'a pas de valeur pour la réponse "
                    f"n° {int(bad[0]) + 1}.",
                    margin=margin.name,
                )
            if not np.isfinite(margin.total):
                raise CalibrationError(
                    f"Le total de « {margin.name} » n'est pas un nombre.", margin=margin.name
                )
            numeric.append(x)
            num_targets.append(float(margin.total))
            num_names.append((margin.name, None))
            continue
        totals = dict(margin.totals)
        for category, value in totals.items():
            if not np.isfinite(value) or value <= 0:
                raise CalibrationError(
                    f"La catégorie « {_label(category)} » de la marge « {margin.name} » a un "
                    f"effectif de population de {number(float(value), None)} : il doit être "
                    "strictement positif (regroupez-la avec une catégorie voisine).",
                    margin=margin.name,
                    category=category,
                )
        index = {category: i for i, category in enumerate(totals)}
        codes = np.fromiter((index.get(v, -1) for v in margin.sample), np.int64, n)
        absent = np.flatnonzero(codes < 0)
        if absent.size:
            category = margin.sample[int(absent[0])]
            count = sum(1 for v in margin.sample if v == category)
            raise CalibrationError(
                f"La catégorie « {_label(category)} » de la variable « {margin.name} » figure "
                f"dans l'échantillon ({number(count)} réponse{'s' if count > 1 else ''}) mais pas "
                "dans les marges de population.",
                margin=margin.name,
                category=category,
            )
        counts = np.bincount(codes, minlength=len(index))
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            category = list(totals)[int(empty[0])]
            raise CalibrationError(
                f"La catégorie « {_label(category)} » de la marge « {margin.name} » n'a aucune "
                "réponse dans l'échantillon (cellule vide) : regroupez-la avec une catégorie "
                "voisine.",
                margin=margin.name,
                category=category,
            )
        total = float(sum(totals.values()))
        if first is None:
            first = (margin.name, total)
        elif abs(total - first[1]) > _TOTALS_RTOL * max(abs(first[1]), 1.0):
            raise CalibrationError(
                f"Les marges ne portent pas sur la même population : la marge « {margin.name} » "
                f"totalise {number(total, None)}, la marge « {first[0]} » "
                f"{number(first[1], None)}.",
                margin=margin.name,
            )
        start = 1 if categorical else 0
        categorical.append((codes, len(index), start))
        for category, value in list(totals.items())[start:]:
            cat_targets.append(float(value))
            cat_names.append((margin.name, category))
    if not categorical and not numeric:
        raise CalibrationError("Aucune marge de calage n'est donnée.")
    if population_total is not None and not categorical:
        categorical.append((np.zeros(n, dtype=np.int64), 1, 0))
        cat_targets.append(float(population_total))
        cat_names.append(("population totale", None))
    return _Model(
        categorical=tuple(categorical),
        numeric=np.column_stack(numeric) if numeric else np.zeros((n, 0)),
        targets=np.array(cat_targets + num_targets),
        names=tuple(cat_names + num_names),
    )


def _calibration_function(
    u: FloatArray, method: Method, bounds: tuple[float, float] | None
) -> tuple[FloatArray, FloatArray]:
    """``F(u)`` and ``F'(u)``."""
    if method == "linear":
        return 1.0 + u, np.ones_like(u)
    if method == "raking":
        e = np.exp(np.minimum(u, 700.0))
        return e, e
    assert bounds is not None
    low, up = bounds
    a = (up - low) / ((1.0 - low) * (up - 1.0))
    s = expit(a * u + np.log((1.0 - low) / (up - 1.0)))
    return low + (up - low) * s, (up - low) * a * s * (1.0 - s)


def calibrate(
    design_weights: npt.ArrayLike,
    margins: Sequence[CategoricalMargin | NumericTotal],
    *,
    method: Method = "raking",
    bounds: tuple[float, float] | None = None,
    population_total: float | None = None,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> CalibrationResult:
    """Calibrate ``design_weights`` to ``margins`` by ``method`` (module docstring).

    ``bounds`` ``(L, U)`` with ``0 <= L < 1 < U`` is required by ``logit``. ``population_total``,
    when given, must be the total of every categorical margin (a check, as Calmar's
    ``POPTOTAL``). Raises :class:`CalibrationError` on bad margins and when the weights do not
    converge (within the bounds for ``logit``).
    """
    d = np.asarray(design_weights, dtype=np.float64)
    if d.ndim != 1 or d.size == 0:
        raise CalibrationError("Les poids de sondage doivent former une liste non vide.")
    if np.any(~np.isfinite(d)) or np.any(d <= 0):
        raise CalibrationError("Les poids de sondage doivent être strictement positifs.")
    if method == "logit":
        if bounds is None or not (0.0 <= bounds[0] < 1.0 < bounds[1]):
            raise CalibrationError(
                "La méthode logit demande des bornes L < 1 < U (par exemple 0,5 et 2)."
            )
    elif method in ("linear", "raking"):
        bounds = None
    else:
        raise CalibrationError(f"Méthode de calage inconnue : « {method} ».")
    model = _model(d.size, margins, population_total)
    targets, names = model.targets, model.names
    scale = np.abs(targets) + np.abs(model.tdot(d))  # no target is 0 on this scale
    if model.numeric.shape[1]:
        q = model.numeric.shape[1]
        scale[-q:] = np.abs(targets[-q:]) + np.abs(model.numeric).T @ d

    lam = np.zeros(targets.size)
    f, df = _calibration_function(model.dot(lam), method, bounds)
    gap = targets - model.tdot(d * f)
    worst = float(np.max(np.abs(gap) / scale))
    for iteration in range(1, max_iter + 1):
        if worst <= tol:
            return CalibrationResult(
                weights=d * f,
                design_weights=d,
                method=method,
                bounds=bounds,
                iterations=iteration - 1,
                model_matrix=model.dense(),
                targets=targets,
                columns=names,
            )
        jacobian = model.gram(d * df)
        try:
            step = np.linalg.solve(jacobian, gap)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jacobian, gap, rcond=None)[0]
        t = 1.0
        while t > 1e-6:
            trial = lam + t * step
            f_new, df_new = _calibration_function(model.dot(trial), method, bounds)
            gap_new = targets - model.tdot(d * f_new)
            worst_new = float(np.max(np.abs(gap_new) / scale))
            if np.isfinite(worst_new) and worst_new < worst:
                break
            t /= 2.0
        else:
            break  # no step gets closer: Newton is stuck against the bounds
        lam, f, df, gap, worst = trial, f_new, df_new, gap_new, worst_new
    j = int(np.argmax(np.abs(gap) / scale))
    margin, category = names[j]
    reached = targets[j] - gap[j]
    where = f"la marge « {margin} »" + (
        f", catégorie « {_label(category)} »," if category is not None else ""
    )
    within = (
        f" dans les bornes [{number(bounds[0], None)} ; {number(bounds[1], None)}]"
        if bounds is not None
        else ""
    )
    advice = (
        "Élargissez les bornes ou regroupez des catégories."
        if bounds is not None
        else "Vérifiez que les marges s'accordent entre elles (un quartier et sa commune, par "
        "exemple) ou regroupez des catégories."
    )
    raise CalibrationError(
        f"Le calage n'a pas convergé{within} : {where} atteint {number(float(reached), 2)} "
        f"au lieu de {number(float(targets[j]), None)}. {advice}",
        margin=margin,
        category=category,
    )
