import datetime

from stspd.steering.periods import due_on, period_end, period_label, period_start, periods_between

D = datetime.date


def test_periods_of_each_periodicity() -> None:
    assert period_start(D(2026, 5, 17), "month") == D(2026, 5, 1)
    assert period_start(D(2026, 5, 17), "quarter") == D(2026, 4, 1)
    assert period_start(D(2026, 5, 17), "year") == D(2026, 1, 1)
    assert period_end(D(2026, 2, 1), "month") == D(2026, 2, 28)
    assert period_end(D(2026, 10, 1), "quarter") == D(2026, 12, 31)
    assert period_end(D(2024, 1, 1), "year") == D(2024, 12, 31)
    assert due_on(D(2026, 10, 1), "quarter") == D(2027, 1, 15)
    assert periods_between(D(2025, 11, 20), D(2026, 2, 1), "month") == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]
    assert len(periods_between(D(2024, 1, 1), D(2026, 12, 31), "quarter")) == 12
    assert period_label(D(2026, 4, 1), "quarter") == "T2 2026"
    assert period_label(D(2026, 3, 1), "month") == "mars 2026"
    assert period_label(D(2026, 1, 1), "year") == "2026"
