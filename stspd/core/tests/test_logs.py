import io
import json
import logging
import time

from stspd.core.logs import JsonFormatter, logging_config


def test_a_request_writes_one_parseable_json_line(world, login) -> None:  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("stspd.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    client = login(world.coordinator)
    started = time.perf_counter()
    try:
        response = client.get("/?page=1", HTTP_X_REQUEST_ID="abc-123")
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["request_id"] == "abc-123" == response["X-Request-ID"]
    assert line["user_id"] == world.coordinator.pk
    assert line["path"] == "/"
    assert line["method"] == "GET"
    assert line["status"] == 200
    # The request's own time in milliseconds (rounded to 0.1): within what the test measured
    # around it, so neither seconds nor nanoseconds.
    assert isinstance(line["duration_ms"], int | float)
    assert 0 <= line["duration_ms"] <= elapsed_ms + 0.05
    assert line["level"] == "INFO" and line["logger"] == "stspd.request"


def test_a_request_without_a_sane_id_gets_one(db, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sante/", HTTP_X_REQUEST_ID="<script>")
    assert len(response["X-Request-ID"]) == 32


def test_json_logs_are_switched_on_by_the_setting() -> None:
    config = logging_config(json_lines=True)
    assert config["handlers"]["json"]["formatter"] == "json"
    assert config["loggers"]["stspd"]["handlers"] == ["json"]
    assert "handlers" not in logging_config(json_lines=False)


def test_an_exception_is_kept_in_the_line() -> None:
    try:
        raise ValueError("perdu")
    except ValueError:
        import sys

        record = logging.LogRecord("stspd", logging.ERROR, __file__, 1, "échec", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "échec"
    assert "ValueError: perdu" in line["exception"]
