"""A partner's file stays in memory while it is read: it may name people, so it never goes to
a temporary file on disk (Django's default for uploads over 2.5 MB)."""

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler

from .workflow import MAX_UPLOAD_BYTES

MULTIPART_MARGIN = 64 * 1024  # the form's other fields and the multipart boundaries


class InMemoryOnly(MemoryFileUploadHandler):
    """Take the upload in memory up to the size limit; over it, keep no file at all."""

    too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int | None,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.too_large = content_length is None or (
            content_length > MAX_UPLOAD_BYTES + MULTIPART_MARGIN
        )
        self.activated = not self.too_large
