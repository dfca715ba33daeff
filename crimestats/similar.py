"""Communes similar to a given one, to compare its figures with communes of its kind.

The method, in plain words:

1. Communes are first grouped by population class, with the brackets INSEE uses for commune
   sizes: fewer than 2,000 inhabitants; 2,000 to 4,999; 5,000 to 9,999; 10,000 to 19,999;
   20,000 to 49,999; 50,000 to 99,999; 100,000 and more. Only communes of the same class are
   proposed; if the class has fewer than ``k`` other communes, the next classes (one step
   smaller or larger, then two...) are added.
2. Among them, the closest ones are chosen on a distance that adds:
   - the difference of population, on a logarithmic scale (2,000 against 4,000 counts as much
     as 20,000 against 40,000), divided by its spread over all communes;
   - the same for the number of dwellings when both communes have it (it reflects
     second homes and household size); when one is unknown, the population difference counts
     twice instead, so that a missing value neither helps nor penalises;
   - 0.5 when the two communes do not belong to the same kind of intercommunality
     (communauté de communes CC, d'agglomération CA, urbaine CU, métropole METRO, métropole de
     Lyon MET69), or when either kind is unknown;
   - 0.25 when they are not in the same département (so, at equal size, a neighbour in the
     département comes first).
   The two size differences combine as the sides of a right triangle (square root of the sum of
   their squares); the penalties are added to it.
   When the features carry context columns (any of ``poverty_rate``, ``median_income``,
   ``social_housing_rate``, ``qpv``), their differences join the size ones under the square
   root: each rate or income standardised by its spread over the communes that have it (the
   income on a log scale), QPV presence as 0 or 1 (a difference of 1 counts as one spread).
   A context variable unknown for either commune is replaced by the mean of that pair's known
   context differences (squared), or by the population difference when none is known: a
   missing value neither helps nor penalises. Without context columns, the distance is the size
   one above, unchanged.
3. Equal distances are ordered by commune code, so the list is always the same.

This is a rough guide to "communes of the same kind", not a typology: it knows nothing of
tourism, commuting, a station or a shopping centre, which weigh on recorded crime.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from crimestats.french import number

__all__ = [
    "BALANCE_LABELS",
    "CONTEXT_COLUMNS",
    "POPULATION_CLASSES",
    "BalanceRow",
    "balance",
    "population_class",
    "similar_communes",
]

POPULATION_CLASSES: Final = (
    (0, 2_000, "moins de 2 000 hab."),
    (2_000, 5_000, "2 000 à 4 999 hab."),
    (5_000, 10_000, "5 000 à 9 999 hab."),
    (10_000, 20_000, "10 000 à 19 999 hab."),
    (20_000, 50_000, "20 000 à 49 999 hab."),
    (50_000, 100_000, "50 000 à 99 999 hab."),
    (100_000, None, "100 000 hab. et plus"),
)
"""(from, to excluded, label) of each population class."""

CONTEXT_COLUMNS: Final = ("poverty_rate", "median_income", "social_housing_rate", "qpv")
"""Optional context columns of the features, in the order the reasons name them."""
EPCI_PENALTY: Final = 0.5
OTHER_DEPARTEMENT_PENALTY: Final = 0.25
_BOUNDS: Final = np.array([low for low, _, _ in POPULATION_CLASSES[1:]], dtype=np.float64)


def population_class(population: float) -> int:
    """Index of the population class (0 for fewer than 2,000 ... 6 for 100,000 and more).

    >>> population_class(1_999), population_class(2_000), population_class(100_000)
    (0, 1, 6)
    """
    return int(np.searchsorted(_BOUNDS, population, side="right"))


def _standardised_log(values: pl.Series) -> np.ndarray:
    logs = np.log(values.cast(pl.Float64).to_numpy())
    known = np.isfinite(logs)
    if not known.any():
        return np.full(logs.shape, np.nan)
    spread = float(np.std(logs[known]))
    return np.asarray((logs - np.mean(logs[known])) / (spread or 1.0))


def similar_communes(features: pl.DataFrame, code: str, k: int = 10) -> pl.DataFrame:
    """The ``k`` communes most similar to ``code``, closest first.

    ``features`` has one row per commune: ``code``, ``population`` (> 0), ``dwellings`` (null
    when unknown), ``epci_type`` (CC, CA, CU, METRO, MET69 or null) and ``departement``.
    Returns ``code``, ``distance`` and ``reasons`` (French, for a coordinator).

    >>> f = pl.DataFrame({
    ...     "code": ["76001", "76002", "76003", "27001", "76004"],
    ...     "population": [3000, 3300, 3300, 3300, 40000],
    ...     "dwellings": [1300, 1400, None, 1400, 19000],
    ...     "epci_type": ["CC", "CC", "CC", "CC", "CA"],
    ...     "departement": ["76", "76", "76", "27", "76"],
    ... })
    >>> similar_communes(f, "76001", k=3).get_column("code").to_list()
    ['76002', '76003', '27001']
    >>> print(similar_communes(f, "76001", k=1).get_column("reasons")[0].replace("\u202f", " "))
    même tranche (2 000 à 4 999 hab.) ; 3 300 hab. contre 3 000 ; même type
    d'intercommunalité (CC) ; même département (76)
    """
    if k < 1:
        raise ValueError("k doit être au moins 1")
    codes = features.get_column("code").cast(pl.String).to_list()
    if code not in codes:
        raise ValueError(f"commune inconnue : {code}")
    if len(set(codes)) != len(codes):
        raise ValueError("une commune apparaît plusieurs fois dans les caractéristiques")
    population = features.get_column("population").cast(pl.Float64).to_numpy()
    if not (population > 0).all():
        raise ValueError("population manquante ou nulle dans les caractéristiques")
    dwellings = features.get_column("dwellings").cast(pl.Float64).fill_null(np.nan).to_numpy()
    epci = features.get_column("epci_type").cast(pl.String).to_list()
    departement = features.get_column("departement").cast(pl.String).to_list()

    z_pop = _standardised_log(features.get_column("population"))
    with np.errstate(divide="ignore", invalid="ignore"):
        z_dwell = _standardised_log(pl.Series(np.where(dwellings > 0, dwellings, np.nan)))
    classes = np.searchsorted(_BOUNDS, population, side="right")
    me = codes.index(code)

    d_pop = z_pop - z_pop[me]
    d_dwell = z_dwell - z_dwell[me]
    squared = np.where(np.isnan(d_dwell), 2 * d_pop**2, d_pop**2 + d_dwell**2)
    context: list[str] = [c for c in CONTEXT_COLUMNS if c in features.columns]
    if context:
        squared = squared + _context_squared(features, context, me, d_pop**2)
    size = np.sqrt(squared)
    same_epci = np.array([e is not None and e == epci[me] for e in epci])
    same_dep = np.array([d == departement[me] for d in departement])
    distance = (
        size + EPCI_PENALTY * (~same_epci) + OTHER_DEPARTEMENT_PENALTY * (~same_dep)
    ).astype(np.float64)

    others = np.arange(len(codes)) != me
    step = 0
    while True:
        candidates = others & (np.abs(classes - classes[me]) <= step)
        if candidates.sum() >= k or step >= len(POPULATION_CLASSES):
            break
        step += 1
    chosen = np.flatnonzero(candidates)
    # Closest first, equal distances by code (np.lexsort: last key first; a Python sort of
    # 27,000 candidates took most of the time).
    ranked = np.lexsort((np.asarray(codes)[chosen], distance[chosen]))
    order = chosen[ranked[:k]].tolist()

    def reasons(i: int) -> str:
        parts = []
        label = POPULATION_CLASSES[int(classes[i])][2]
        if classes[i] == classes[me]:
            parts.append(f"même tranche ({label})")
        else:
            parts.append(f"tranche voisine ({label})")
        parts.append(f"{number(population[i])} hab. contre {number(population[me])}")
        if same_epci[i]:
            parts.append(f"même type d'intercommunalité ({epci[me]})")
        else:
            parts.append(f"intercommunalité {epci[i] or 'inconnue'} (ici {epci[me] or 'inconnue'})")
        if same_dep[i]:
            parts.append(f"même département ({departement[me]})")
        else:
            parts.append(f"autre département ({departement[i]})")
        parts.extend(_context_reasons(features, context, i, me))
        return " ; ".join(parts)

    return pl.DataFrame(
        {
            "code": [codes[i] for i in order],
            "distance": [float(distance[i]) for i in order],
            "reasons": [reasons(i) for i in order],
        },
        schema={"code": pl.String, "distance": pl.Float64, "reasons": pl.String},
    )


def _context_values(features: pl.DataFrame, column: str) -> np.ndarray:
    if column == "qpv":
        return features.get_column(column).cast(pl.Float64).fill_null(np.nan).to_numpy()
    values = features.get_column(column).cast(pl.Float64).fill_null(np.nan).to_numpy()
    if column == "median_income":
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.log(np.where(values > 0, values, np.nan))
    known = np.isfinite(values)
    if not known.any():
        return values
    spread = float(np.std(values[known])) or 1.0
    return np.asarray((values - np.mean(values[known])) / spread)


def _context_squared(
    features: pl.DataFrame, columns: list[str], me: int, fallback: np.ndarray
) -> np.ndarray:
    """The sum over the context columns of each commune's squared difference with ``me``, an
    unknown one replaced by the mean of the pair's known ones (``fallback`` if none)."""
    standardised = [_context_values(features, c) for c in columns]
    differences = np.vstack([values - values[me] for values in standardised])
    squared = differences**2
    known = np.isfinite(squared)
    count = known.sum(axis=0)
    total = np.where(known, squared, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, total / count, fallback)
    return np.asarray(total + (len(columns) - count) * mean)


_CONTEXT_WORDS: Final = {
    "poverty_rate": "pauvreté",
    "median_income": "revenu médian",
    "social_housing_rate": "logements sociaux",
    "qpv": "QPV",
}


def _context_text(column: str, value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "inconnu"
    if column == "qpv":
        return "oui" if value else "non"
    if column == "median_income":
        return f"{number(float(value))} €"  # type: ignore[arg-type]
    return f"{number(float(value))} %"  # type: ignore[arg-type]


def _context_reasons(features: pl.DataFrame, columns: list[str], i: int, me: int) -> list[str]:
    parts = []
    for column in columns:
        series = features.get_column(column)
        parts.append(
            f"{_CONTEXT_WORDS[column]} {_context_text(column, series[i])} "
            f"(ici {_context_text(column, series[me])})"
        )
    return parts


BALANCE_LABELS: Final = {
    "population": "population (hab.)",
    "poverty_rate": "taux de pauvreté (%)",
    "median_income": "revenu médian (€)",
    "social_housing_rate": "logements sociaux (%)",
    "qpv": "part des communes avec un QPV",
}
"""The variables of a balance table, in its order, with their French labels."""


@dataclass(frozen=True)
class BalanceRow:
    """One variable of a balance table: the commune's value, the mean of the candidates before
    the choice and of the chosen communes after it, and each mean's standardised difference to
    the commune (difference divided by the candidates' standard deviation: 0 is perfect
    balance; beyond 0.25 in absolute value, the groups differ noticeably, Stuart 2010). The
    population and the median income are compared on a log scale, as the distance does (their
    means stay in inhabitants and euros)."""

    variable: str
    label: str
    commune: float | None
    before: float | None
    after: float | None
    difference_before: float | None
    difference_after: float | None
    known_after: int


def balance(features: pl.DataFrame, code: str, chosen: list[str]) -> list[BalanceRow]:
    """How the ``chosen`` communes resemble ``code`` on each variable of ``features``
    (``population`` and the context columns present), against all the other communes of
    ``features`` (the candidates before the choice). Unknown values (null) are left out of
    each mean; a variable unknown for the commune has no difference.

    >>> f = pl.DataFrame({
    ...     "code": ["a", "b", "c", "d"],
    ...     "population": [1000, 1000, 1000, 1000],
    ...     "poverty_rate": [30.0, 28.0, 10.0, 12.0],
    ... })
    >>> row = balance(f, "a", ["b"])[1]
    >>> row.before, row.after, round(row.difference_before, 3), round(row.difference_after, 3)
    (16.666666666666668, 28.0, -1.351, -0.203)
    """
    codes = features.get_column("code").cast(pl.String).to_list()
    me = codes.index(code)
    others = np.array([i != me for i in range(len(codes))])
    picked = np.array([c in set(chosen) and i != me for i, c in enumerate(codes)])
    rows = []
    for variable, label in BALANCE_LABELS.items():
        if variable not in features.columns:
            continue
        values = features.get_column(variable).cast(pl.Float64).fill_null(np.nan).to_numpy()
        if np.isfinite(values).any():  # a source not imported: no row rather than unknowns
            rows.append(_balance_row(variable, label, values, me, others, picked))
    return rows


def _balance_row(
    variable: str,
    label: str,
    values: np.ndarray,
    me: int,
    others: np.ndarray,
    picked: np.ndarray,
) -> BalanceRow:
    known = np.isfinite(values)
    mine = float(values[me]) if known[me] else None
    before, after = others & known, picked & known
    logged = variable in ("population", "median_income")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.log(np.where(values > 0, values, np.nan)) if logged else values
    spread = float(np.nanstd(scale[before], ddof=1)) if before.sum() > 1 else 0.0

    def mean(mask: np.ndarray) -> float | None:
        return float(np.mean(values[mask])) if mask.any() else None

    def standardised(mask: np.ndarray) -> float | None:
        if mine is None or not mask.any() or not spread > 0:
            return None
        return float(np.nanmean(scale[mask]) - scale[me]) / spread

    return BalanceRow(
        variable=variable,
        label=label,
        commune=mine,
        before=mean(before),
        after=mean(after),
        difference_before=standardised(before),
        difference_after=standardised(after),
        known_after=int(after.sum()),
    )
