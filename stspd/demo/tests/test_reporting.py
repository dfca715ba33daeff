"""The demo's reported values: counts, states, statuses, and trajectories that give the
dashboard every status."""

import datetime

from django.core.management import call_command
from django.utils import timezone

from crimestats.status import TargetedIndicator, indicator_status
from stspd.demo.reporting import RETURN_REASON, build_reporting_demo
from stspd.steering.access import lead_reporters
from stspd.steering.enums import MeasurementStatus
from stspd.steering.models import Measurement
from stspd.steering.periods import period_end
from stspd.steering.reporting import reportable_periods
from stspd.strategy.models import ActionIndicator, ObjectiveIndicator, Strategy


def test_demo_reports_three_years_of_values_with_every_status(db) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    today = timezone.localdate()
    strategy = Strategy.objects.get(council__epci__siren="200023414")
    values = Measurement.objects.filter(
        action_indicator__action__objective__axis__strategy=strategy
    ) | Measurement.objects.filter(objective_indicator__objective__axis__strategy=strategy)

    # Every activity indicator per its periodicity from the strategy's start, but the stale one.
    stale = []
    for use in ActionIndicator.objects.filter(action__objective__axis__strategy=strategy):
        periods = reportable_periods(strategy, use.definition.periodicity, today)
        reported = sorted(
            values.filter(action_indicator=use).values_list("period_start", flat=True)
        )
        assert periods[0] == strategy.starts_on
        if reported == periods[:-3]:
            stale.append(use)
        else:
            assert reported == periods, use
    assert len(stale) == 1
    # Its lead has nobody to report (the reminders tell the coordinator so).
    assert not lead_reporters(strategy.council, [stale[0].action.lead_id])

    # Most validated, the latest waiting, a few late, one returned with its reason, one warning.
    statuses = [s for s in values.values_list("status", flat=True)]
    assert statuses.count(MeasurementStatus.VALIDATED) > len(statuses) / 2
    assert MeasurementStatus.SUBMITTED in statuses
    returned = values.get(status=MeasurementStatus.RETURNED)
    assert returned.review_comment == RETURN_REASON
    assert 2 <= values.filter(late=True).count() < len(statuses) / 4
    assert values.exclude(warning="").count() == 1
    assert {v.period_start.year for v in values} == {today.year - 2, today.year - 1, today.year}

    # The council's own result indicators reported by partners, yearly, each on its own
    # trajectory (the survey-fed one takes its values from the survey waves, not reports).
    codes = set()
    own = ObjectiveIndicator.objects.filter(
        objective__axis__strategy=strategy, definition__council__isnull=False
    ).filter(definition__survey_question="")
    assert own.count() == 4
    for use in own:
        observations = [
            (period_end(m.period_start, "year"), None if m.value is None else float(m.value))
            for m in values.filter(objective_indicator=use)
        ]
        assert len(observations) == 2
        status = indicator_status(
            TargetedIndicator(
                baseline_value=float(use.baseline_value),
                baseline_date=use.baseline_on,
                target_value=float(use.target_value),
                deadline=use.deadline,
                direction=use.direction,
                observations=observations,
            ),
            today=today,
        )
        codes.add(status.code)
    assert codes == {"on_track", "at_risk", "off_track", "suppressed"}
    assert values.filter(state="suppressed").count() == 1

    # Idempotent: a second run adds nothing.
    count = values.count()
    assert build_reporting_demo() is None
    call_command("demo")
    assert values.count() == count


def test_demo_is_deterministic(db) -> None:  # type: ignore[no-untyped-def]
    """Same seed, same day: the same values (rebuilt after deleting them)."""
    call_command("demo")
    day = datetime.date(timezone.localdate().year, 6, 30)
    Measurement.objects.all().delete()
    build_reporting_demo(day)
    first = list(Measurement.objects.order_by("pk").values_list("period_start", "value", "status"))
    Measurement.objects.all().delete()
    build_reporting_demo(day)
    second = list(Measurement.objects.order_by("pk").values_list("period_start", "value", "status"))
    assert first == second and first
