"""Reporting periods: months, quarters or years, named by their first day."""

import datetime

from crimestats.french import period
from stspd.indicators.enums import Periodicity

# A value is due this many days after its period ends; after that it is late (still accepted).
GRACE_DAYS = 15
MONTHS = {Periodicity.MONTH: 1, Periodicity.QUARTER: 3, Periodicity.YEAR: 12}


def period_start(day: datetime.date, periodicity: str) -> datetime.date:
    """The first day of the period that contains `day`."""
    months = MONTHS[Periodicity(periodicity)]
    month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, month, 1)


def next_start(start: datetime.date, periodicity: str) -> datetime.date:
    index = start.year * 12 + start.month - 1 + MONTHS[Periodicity(periodicity)]
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_end(start: datetime.date, periodicity: str) -> datetime.date:
    return next_start(start, periodicity) - datetime.timedelta(days=1)


def due_on(start: datetime.date, periodicity: str) -> datetime.date:
    return period_end(start, periodicity) + datetime.timedelta(days=GRACE_DAYS)


def periods_between(
    first: datetime.date, last: datetime.date, periodicity: str
) -> list[datetime.date]:
    """The starts of every period that overlaps [first, last]."""
    starts = []
    start = period_start(first, periodicity)
    while start <= last:
        starts.append(start)
        start = next_start(start, periodicity)
    return starts


def period_label(start: datetime.date, periodicity: str) -> str:
    """ "mars 2026", "T1 2026", "2026"."""
    return period(start, MONTHS[Periodicity(periodicity)])
