"""Structured logs: one JSON object per line, for a log collector (STSPD_JSON_LOGS=1)."""

import datetime
import json
import logging
from typing import Any

# Attributes every LogRecord has: anything else was passed in `extra` and goes into the line.
STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, json_lines: bool, level: str = "INFO") -> dict[str, Any]:
    """Django's LOGGING: JSON lines on stderr when asked, else Django's own console output.

    Request lines (logger `stspd.request`) are written only in JSON mode: the development
    server already prints its own.
    """
    if not json_lines:
        return {"version": 1, "disable_existing_loggers": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "stspd.core.logs.JsonFormatter"}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["json"], "level": level},
        "loggers": {
            "django": {"handlers": ["json"], "level": level, "propagate": False},
            "django.server": {"handlers": [], "level": "WARNING", "propagate": False},
            "stspd": {"handlers": ["json"], "level": level, "propagate": False},
        },
    }
