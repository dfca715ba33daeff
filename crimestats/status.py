"""Dashboard status of a result indicator: on track, at risk, off track, and why, in French.

A *result* indicator of a strategy has a baseline (value and date), a target (value and
deadline), a direction (the value should go up or down) and dated observations, each a value or
``None`` when it is suppressed (statistical secrecy). :func:`indicator_status` gives one of six
statuses with a French label and a French reason that a coordinator can read aloud:

======================  ==========================  ===========================================
code                    label                       when
======================  ==========================  ===========================================
``not_enough_data``     données insuffisantes       no observation after the baseline date
``stale``               données anciennes           the last observation is older than
                                                    ``stale_periods`` periods before ``today``
``suppressed``          donnée non diffusée         the last observation is suppressed
``on_track``            en bonne voie               see the two methods below; also: target
                                                    reached (value at or beyond the target)
``at_risk``             à surveiller
``off_track``           en retard
======================  ==========================  ===========================================

The checks run in that order: a suppressed last value is "non diffusée" rather than judged on
an older one, and a series that stopped is "anciennes" whatever its last value said.

**Trajectory method** (``method="trajectory"``, the default). The planned path is the straight
line from the baseline to the target at the deadline. At the date of the last observation, the
expected value is the point of that line (the target itself once the deadline is passed). The
*shortfall* is how far the value is behind it, in the direction sought; the tolerance is a share
of the planned change (``tolerance=0.15``: 15 % of ``|target - baseline|``). On track when the
shortfall is at most the tolerance (ahead of the path counts as on track), at risk up to twice
the tolerance, off track beyond.

**Growth-ratio method** (``method="growth_ratio"``), as public SDG progress sites do (Open SDG,
after Statistics Canada's and UN ESCAP's progress assessment): the observed growth rate from the
baseline to the last value, divided by the growth rate required to go from the baseline to the
target by the deadline. At least 95 % on track, 60 % to 95 % at risk, below 60 % off track
(including any move away from the target). Rates are compound annual growth rates when baseline,
value and target are all positive, linear (change per year) otherwise, so that a zero baseline or
a "zero victims" target still has a ratio.

Edge cases, both methods:

- **Target reached** (the last value is at or beyond the target in the direction sought, before
  or after the deadline): on track, "cible atteinte".
- **Target already met at the baseline** (nothing to achieve): on track while the value stays at
  or beyond the target, off track once it has crossed back.
- **Deadline passed**, target not reached: off track, "échéance passée".
- **Baseline zero**: the trajectory method is unaffected; the growth ratio uses linear rates.

*Context* indicators (population, rates the strategy does not steer) never get a status: they
describe the territory, and calling them "off track" would blame the strategy for them. The
caller does not call this function for them. *Activity* indicators may use it when they have a
target.

Dates are those the values refer to (for a yearly SSMSI figure, the end of the year); ``today``
is given by the caller, so that the function is pure and testable.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypedDict, Unpack

from crimestats.french import date, number, signed

__all__ = [
    "LABELS",
    "IndicatorStatus",
    "StatusCode",
    "TargetedIndicator",
    "indicator_status",
]

StatusCode = Literal["on_track", "at_risk", "off_track", "not_enough_data", "stale", "suppressed"]
Direction = Literal["increase", "decrease"]
Method = Literal["trajectory", "growth_ratio"]

LABELS: Final[dict[str, str]] = {
    "on_track": "en bonne voie",
    "at_risk": "à surveiller",
    "off_track": "en retard",
    "not_enough_data": "données insuffisantes",
    "stale": "données anciennes",
    "suppressed": "donnée non diffusée",
}
ON_TRACK_RATIO: Final = 0.95
AT_RISK_RATIO: Final = 0.60
DAYS_PER_YEAR: Final = 365.25


@dataclass(frozen=True)
class TargetedIndicator:
    """A result indicator with its baseline, target and observations.

    ``observations``: ``(date, value)`` pairs in any order, ``value`` None when suppressed.
    Observations dated on or before the baseline date are not progress and are ignored.
    """

    baseline_value: float
    baseline_date: dt.date
    target_value: float
    deadline: dt.date
    direction: Direction
    observations: Sequence[tuple[dt.date, float | None]]

    def __post_init__(self) -> None:
        if self.direction not in ("increase", "decrease"):
            raise ValueError("direction : 'increase' ou 'decrease'")
        if self.deadline <= self.baseline_date:
            raise ValueError("l'échéance doit suivre la date de référence")
        if not (math.isfinite(self.baseline_value) and math.isfinite(self.target_value)):
            raise ValueError("valeur de référence et cible doivent être des nombres")


@dataclass(frozen=True)
class IndicatorStatus:
    """``code`` (see the module), its French ``label`` and ``reason``; the last observation
    used (``value_date``, ``value``, None when there is none or it is suppressed); ``expected``:
    the trajectory's value at that date (trajectory method) and ``ratio``: observed / required
    growth (growth-ratio method), None otherwise."""

    code: StatusCode
    label: str
    reason: str
    value_date: dt.date | None = None
    value: float | None = None
    expected: float | None = None
    ratio: float | None = None


def _decimals(x: float) -> int:
    """As many decimals as the size of a value deserves: 0 from 100, 1 from 10, else 2."""
    return 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2


def _number(x: float) -> str:
    return number(x, _decimals(x), trim=True)


def _years(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_YEAR


class _Observed(TypedDict, total=False):
    """The last observation an IndicatorStatus names."""

    value_date: dt.date | None
    value: float | None


class _Extra(_Observed, total=False):
    """The optional fields of an IndicatorStatus."""

    expected: float | None
    ratio: float | None


def _status(code: StatusCode, reason: str, **extra: Unpack[_Extra]) -> IndicatorStatus:
    return IndicatorStatus(code, LABELS[code], reason, **extra)


def _growth(start: float, end: float, years: float, compound: bool) -> float:
    if compound:
        return float((end / start) ** (1 / years) - 1)
    return (end - start) / years


def indicator_status(
    indicator: TargetedIndicator,
    *,
    today: dt.date,
    method: Method = "trajectory",
    tolerance: float = 0.15,
    period_months: int = 12,
    stale_periods: int = 2,
) -> IndicatorStatus:
    """Status of a result indicator at ``today`` (see the module for the rules).

    ``period_months``: the indicator's periodicity (12 for yearly figures, 1 for monthly ones);
    it is stale when its last observation is more than ``stale_periods`` periods before
    ``today``.

    >>> burglaries = TargetedIndicator(
    ...     baseline_value=100.0, baseline_date=dt.date(2022, 12, 31),
    ...     target_value=80.0, deadline=dt.date(2026, 12, 31), direction="decrease",
    ...     observations=[(dt.date(2023, 12, 31), 97.0), (dt.date(2024, 12, 31), 92.0)],
    ... )
    >>> s = indicator_status(burglaries, today=dt.date(2025, 6, 1))
    >>> s.code, s.label
    ('on_track', 'en bonne voie')
    >>> head, detail = s.reason.split(" : ")
    >>> head
    '92 au 31/12/2024 pour 90 attendus sur la trajectoire vers 80 au 31/12/2026'
    >>> detail
    'écart de 2,01, dans la tolérance de 3 (15 % du changement prévu)'
    >>> indicator_status(burglaries, today=dt.date(2025, 6, 1), method="growth_ratio").code
    'at_risk'
    """
    if not tolerance >= 0:
        raise ValueError("tolérance : une part positive ou nulle du changement prévu")
    if method not in ("trajectory", "growth_ratio"):
        raise ValueError("méthode : 'trajectory' ou 'growth_ratio'")
    sign = 1.0 if indicator.direction == "increase" else -1.0
    baseline, target = indicator.baseline_value, indicator.target_value
    after = sorted(
        ((d, v) for d, v in indicator.observations if d > indicator.baseline_date),
        key=lambda o: o[0],
    )
    if not after:
        return _status(
            "not_enough_data",
            f"aucune valeur depuis la valeur de référence du {date(indicator.baseline_date)}",
        )
    last_date, last_value = after[-1]
    stale_limit = _months_before(today, period_months * stale_periods)
    if last_date < stale_limit:
        return _status(
            "stale",
            f"dernière valeur au {date(last_date)} : aucune depuis plus de {stale_periods} "
            f"{'ans' if period_months == 12 else 'périodes'}",
            value_date=last_date,
            value=last_value,
        )
    if last_value is None:
        return _status(
            "suppressed",
            f"la valeur du {date(last_date)} n'est pas diffusée (secret statistique) : "
            "l'avancement ne peut pas être mesuré",
            value_date=last_date,
        )
    if not math.isfinite(last_value):
        raise ValueError("une valeur observée n'est pas un nombre (None si non diffusée)")
    value = float(last_value)
    planned = target - baseline
    reached = sign * (value - target) >= 0
    common: _Observed = {"value_date": last_date, "value": value}
    if reached:
        return _status(
            "on_track",
            f"cible atteinte : {_number(value)} au {date(last_date)} pour une cible de "
            f"{_number(target)}",
            **common,
        )
    if sign * planned <= 0:
        return _status(
            "off_track",
            f"la cible ({_number(target)}) était atteinte au départ ({_number(baseline)}) mais "
            f"ne l'est plus : {_number(value)} au {date(last_date)}",
            **common,
        )
    if last_date >= indicator.deadline or today > indicator.deadline:
        return _status(
            "off_track",
            f"échéance du {date(indicator.deadline)} passée : {_number(value)} au "
            f"{date(last_date)} pour une cible de {_number(target)}",
            **common,
        )
    elapsed = _years(indicator.baseline_date, last_date)
    horizon = _years(indicator.baseline_date, indicator.deadline)
    if method == "trajectory":
        expected = baseline + planned * elapsed / horizon
        shortfall = sign * (expected - value)
        band = tolerance * abs(planned)
        code: StatusCode = (
            "on_track" if shortfall <= band else "at_risk" if shortfall <= 2 * band else "off_track"
        )
        head = (
            f"{_number(value)} au {date(last_date)} pour {_number(expected)} attendus sur la "
            f"trajectoire vers {_number(target)} au {date(indicator.deadline)}"
        )
        if shortfall <= 0:
            detail = "en avance sur la trajectoire"
        else:
            where = {"on_track": "dans", "at_risk": "au-delà de", "off_track": "plus du double de"}
            detail = (
                f"écart de {_number(shortfall)}, {where[code]} la tolérance de {_number(band)} "
                f"({_number(100 * tolerance)} % du changement prévu)"
            )
        return _status(code, f"{head} : {detail}", expected=expected, **common)

    compound = baseline > 0 and value > 0 and target > 0
    observed = _growth(baseline, value, elapsed, compound)
    required = _growth(baseline, target, horizon, compound)
    ratio = observed / required
    code = (
        "on_track"
        if ratio >= ON_TRACK_RATIO
        else "at_risk"
        if ratio >= AT_RISK_RATIO
        else "off_track"
    )
    unit = " % par an" if compound else " par an"
    scale = 100.0 if compound else 1.0
    reason = (
        f"évolution observée {_signed(scale * observed)}{unit} depuis le "
        f"{date(indicator.baseline_date)}, {_signed(scale * required)}{unit} nécessaires "
        f"pour atteindre {_number(target)} au {date(indicator.deadline)} : "
        f"{_number(round(100 * ratio))} % du rythme requis"
    )
    return _status(code, reason, ratio=ratio, **common)


def _signed(x: float) -> str:
    rounded = round(x, 2 if abs(x) < 10 else 1)
    return signed(rounded, _decimals(rounded), trim=True)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the end of the month when it does not exist)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError  # pragma: no cover
