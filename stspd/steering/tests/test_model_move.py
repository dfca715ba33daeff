"""Reported values moved from `indicators` to `steering` without a row moving.

The two migrations that move the model change Django's state only; before and after them the
model reads the same table, so every value reported before the move is read after it.
"""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import SeparateDatabaseAndState

from stspd.steering.models import Measurement
from stspd.steering.tests.reporting_helpers import in_force, measure, quarter

MOVE = [("steering", "0001_initial"), ("indicators", "0004_measurement_moved_to_steering")]


def test_the_moving_migrations_touch_no_table(db) -> None:  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    for key in MOVE:
        migration = executor.loader.graph.nodes[key]
        assert all(isinstance(op, SeparateDatabaseAndState) for op in migration.operations)
        assert all(op.database_operations == [] for op in migration.operations), key


def test_values_reported_before_the_move_are_read_after_it(world) -> None:  # type: ignore[no-untyped-def]
    world = in_force(world)
    for n, value in enumerate((12, 0, None), start=1):
        measure(world.use, quarter(world, n), value)
    executor = MigrationExecutor(connection)
    before = executor.loader.project_state(("indicators", "0003_measurement")).apps
    old_model = before.get_model("indicators", "Measurement")
    assert old_model._meta.db_table == Measurement._meta.db_table == "indicators_measurement"
    fields = ["pk", "period_start", "state", "value", "status", "action_indicator_id"]
    old_rows = list(old_model.objects.order_by("pk").values_list(*fields))
    assert len(old_rows) == 3
    assert old_rows == list(Measurement.objects.order_by("pk").values_list(*fields))
