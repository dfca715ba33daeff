"""The project's WSGI application with one extra path, /bench-static/<name>, answering the bytes
of a file of BENCH_STATIC_DIR without Django: the same gunicorn workers sending a static file,
the floor of bench/documents.py. Used by that benchmark only, never in production."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from stspd.wsgi import application as django_application

PREFIX = "/bench-static/"
ROOT = Path(os.environ.get("BENCH_STATIC_DIR", "."))


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return django_application(environ, start_response)  # type: ignore[no-any-return]  # Django's WSGIHandler is typed loosely
    file = ROOT / Path(path[len(PREFIX) :]).name  # a name only: never outside ROOT
    if not file.is_file():
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    content = file.read_bytes()
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/pdf"),
            ("Content-Length", str(len(content))),
            ("Content-Disposition", f'attachment; filename="{file.name}"'),
        ],
    )
    return [content]
