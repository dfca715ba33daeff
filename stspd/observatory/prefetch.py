"""Reading an SSMSI file while Django starts, for `stspd import-ssmsi FILE`.

Django's start-up (settings, every application's models and admin, numpy) takes most of a
second of one core before the command runs; polars reads and checks a national file in about
a second of both cores, releasing Python's lock while it does. `stspd.cli` starts the reading
of a local file in a thread before Django starts (`start`, which imports nothing of Django),
and the import takes its result (`take`) when it is for the same file and name; otherwise the
import reads the file itself. The outcome is the same either way: the same `read_ssmsi`, its
error raised by the import as if it had read the file itself.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crimestats.ssmsi import ParsedFile

_pending: dict[tuple[Path, str], _Reading] = {}


class _Reading(threading.Thread):
    def __init__(self, path: Path) -> None:
        # Not a daemon: an interpreter that exits early waits for polars rather than
        # tearing it down mid-read.
        super().__init__(name=f"read {path.name}")
        self.path = path
        self.result: tuple[str, ParsedFile] | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        from crimestats.ssmsi import SsmsiFormatError, read_ssmsi

        try:
            payload = self.path.read_bytes()
        except OSError:
            return  # the import reads it again and words the error
        try:
            parsed = read_ssmsi(payload, source_name=self.path.name, compact=True)
        except SsmsiFormatError as exc:
            self.error = exc
            return
        self.result = (hashlib.sha256(payload).hexdigest(), parsed)


def start(source: str | os.PathLike[str]) -> None:
    """Start reading `source` in a thread when it is a local file."""
    path = Path(source)
    if not path.is_file():
        return
    key = (path.resolve(), path.name)
    if key not in _pending:
        reading = _Reading(path)
        _pending[key] = reading
        reading.start()


def take(path: str | os.PathLike[str], name: str) -> tuple[str, ParsedFile] | None:
    """The SHA-256 and the compact `read_ssmsi` of the file at `path` read under `name`, when
    `start` read it (its SsmsiFormatError raised here); None otherwise."""
    reading = _pending.pop((Path(path).resolve(), name), None)
    if reading is None:
        return None
    reading.join()
    if reading.error is not None:
        raise reading.error
    return reading.result
