"""Sampling designs and their design weights.

A design says how the answers were drawn, which is what the variance of an estimate depends on:
the design weight of each answer (the inverse of its probability of selection), the strata
(independent samples, one per stratum), the primary sampling units (PSU: the units drawn at the
first stage, an answer itself in a simple or stratified sample, a district or a building in a
cluster sample) and the sampling fraction of PSUs in each stratum, for the finite population
correction ``1 - f``.

Three constructors give the design weights of the usual designs:

- :func:`simple_random`: ``n`` answers drawn at random without replacement from ``N`` people,
  weight ``N / n``;
- :func:`stratified`: a simple random sample in each stratum, weight ``N_h / n_h``;
- :func:`one_stage_cluster`: ``m`` clusters drawn at random among ``M``, every member of a drawn
  cluster answering, weight ``M / m``.

>>> d = stratified(["nord", "nord", "sud", "sud", "sud"], {"nord": 100, "sud": 600})
>>> d.weights.tolist(), d.sampling_fraction.tolist()
([50.0, 50.0, 200.0, 200.0, 200.0], [0.02, 0.005])
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from crimestats.french import number

__all__ = [
    "DesignError",
    "SampleDesign",
    "one_stage_cluster",
    "simple_random",
    "stratified",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class DesignError(ValueError):
    """A design that cannot be built; the message (in French) says which input and why."""


@dataclass(frozen=True)
class SampleDesign:
    """The design of a sample of ``n`` answers.

    ``weights``: design weight of each answer. ``strata``: stratum code of each answer
    (0 to H-1). ``psu``: primary sampling unit code of each answer, unique across strata.
    ``sampling_fraction``: per stratum, the share of its PSUs that were drawn (0 when the
    population is taken as infinite, i.e. no finite population correction).
    """

    weights: FloatArray
    strata: IntArray
    psu: IntArray
    sampling_fraction: FloatArray

    def __post_init__(self) -> None:
        n = self.weights.shape[0]
        if self.strata.shape != (n,) or self.psu.shape != (n,):
            raise DesignError(
                "les strates et les unités primaires doivent avoir une valeur par réponse"
            )
        if n and (self.strata.min() < 0 or self.strata.max() >= self.sampling_fraction.shape[0]):
            raise DesignError("code de strate hors des taux de sondage donnés")
        if np.any(~np.isfinite(self.weights)) or np.any(self.weights <= 0):
            raise DesignError("les poids de sondage doivent être des nombres strictement positifs")
        f = self.sampling_fraction
        if np.any(~np.isfinite(f)) or np.any(f < 0) or np.any(f > 1):
            raise DesignError("un taux de sondage doit être compris entre 0 et 1")

    @property
    def n(self) -> int:
        """Number of answers."""
        return int(self.weights.shape[0])

    @classmethod
    def from_arrays(
        cls,
        weights: npt.ArrayLike,
        *,
        strata: Sequence[Hashable] | None = None,
        psu: Sequence[Hashable] | None = None,
        sampling_fraction: Mapping[Hashable, float] | float = 0.0,
    ) -> SampleDesign:
        """A design from given weights (e.g. a pollster's), strata and PSU labels.

        ``sampling_fraction``: one fraction for all, or one per stratum label.
        """
        w = np.asarray(weights, dtype=np.float64)
        n = w.shape[0]
        if strata is None:
            labels: list[Hashable] = [0]
            s_codes = np.zeros(n, dtype=np.int64)
        else:
            labels, s_codes = _codes(strata, "strates", n)
        if psu is None:
            p_codes = np.arange(n, dtype=np.int64)
        else:
            _, p_codes = _codes([(s, p) for s, p in zip(s_codes.tolist(), psu, strict=True)], "", n)
        if isinstance(sampling_fraction, Mapping):
            missing = [s for s in labels if s not in sampling_fraction]
            if missing:
                raise DesignError(f"taux de sondage manquant pour la strate « {missing[0]} »")
            f = np.array([float(sampling_fraction[s]) for s in labels])
        else:
            f = np.full(len(labels), float(sampling_fraction))
        return cls(weights=w, strata=s_codes, psu=p_codes, sampling_fraction=f)


def _codes(values: Sequence[Hashable], what: str, n: int) -> tuple[list[Hashable], IntArray]:
    if len(values) != n:
        raise DesignError(f"{what} : {len(values)} valeurs pour {n} réponses")
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64, n)
    return list(index), codes


def simple_random(n: int, population_size: float | None = None) -> SampleDesign:
    """Simple random sample without replacement of ``n`` among ``population_size``.

    Without a population size the weights are 1 and there is no finite population correction.

    >>> d = simple_random(4, 1000)
    >>> d.weights.tolist(), d.sampling_fraction.tolist()
    ([250.0, 250.0, 250.0, 250.0], [0.004])
    """
    if n < 1:
        raise DesignError("l'échantillon est vide")
    if population_size is None:
        return SampleDesign.from_arrays(np.ones(n))
    if population_size < n:
        raise DesignError(
            f"la population ({number(population_size)}) est plus petite que l'échantillon "
            f"({number(n)})"
        )
    return SampleDesign.from_arrays(
        np.full(n, population_size / n), sampling_fraction=n / population_size
    )


def stratified(
    strata: Sequence[Hashable], population_sizes: Mapping[Hashable, float]
) -> SampleDesign:
    """Stratified simple random sample: ``strata`` the stratum of each answer,
    ``population_sizes`` the number of people of each stratum."""
    labels, codes = _codes(strata, "strates", len(strata))
    sizes = []
    for label in labels:
        if label not in population_sizes:
            raise DesignError(
                f"la strate « {label} » de l'échantillon n'a pas d'effectif de population"
            )
        sizes.append(float(population_sizes[label]))
    big_n = np.array(sizes)
    small_n = np.bincount(codes, minlength=len(labels)).astype(np.float64)
    short = np.flatnonzero(big_n < small_n)
    if short.size:
        h = int(short[0])
        raise DesignError(
            f"la strate « {labels[h]} » compte {number(small_n[h])} réponses pour une population "
            f"de {number(big_n[h])}"
        )
    return SampleDesign(
        weights=(big_n / small_n)[codes],
        strata=codes,
        psu=np.arange(len(codes), dtype=np.int64),
        sampling_fraction=small_n / big_n,
    )


def one_stage_cluster(
    clusters: Sequence[Hashable],
    population_clusters: int,
    weights: npt.ArrayLike | None = None,
) -> SampleDesign:
    """One-stage cluster sample: ``m`` clusters drawn at random among ``population_clusters``,
    every member of a drawn cluster in the sample. Design weight ``M / m`` unless ``weights``
    are given (e.g. rescaled by the pollster); the variance is computed between clusters with the
    finite population correction ``1 - m / M``."""
    labels, codes = _codes(clusters, "grappes", len(clusters))
    m = len(labels)
    if population_clusters < m:
        raise DesignError(
            f"{number(m)} grappes tirées pour une population de "
            f"{number(population_clusters)} grappes"
        )
    w = (
        np.full(len(codes), population_clusters / m)
        if weights is None
        else np.asarray(weights, dtype=np.float64)
    )
    return SampleDesign(
        weights=w,
        strata=np.zeros(len(codes), dtype=np.int64),
        psu=codes,
        sampling_fraction=np.array([m / population_clusters]),
    )
