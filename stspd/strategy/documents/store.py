"""Documents made once: a strategy's PDF or Word is rendered at its first request, stored (Django
storage, under MEDIA_ROOT/documents/) with its SHA-256, and served from storage afterwards.

What a document is made from is hashed into its `basis`:

- a frozen version: its number and freezing time, the adoption (meeting and its day), the
  deliberations and the signatures recorded on it (a late signatory makes a new document);
- the working copy: its whole snapshot and today's date (the document prints the day it was
  produced and today's observatory figures), so that any change of the draft makes a new one.

Rendering at the first request rather than at freezing: the signed document depends on the
deliberation and the signatures recorded after the version was frozen, and a 5-second
rendering has no place in the workflow's transaction. Public documents carry the SHA-256 as
their ETag and answer 304 to a matching If-None-Match without reading the file.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone

from ..models import Deliberation, StoredDocument
from .content import Source

logger = logging.getLogger(__name__)


def basis(source: Source, kind: str) -> str:
    """The hash of what the document of `kind` is made from (see the module's text)."""
    version = source.version
    parts: dict[str, Any] = {"kind": kind, "strategy": source.strategy.pk}
    if version is None:
        parts["snapshot"] = source.data
        parts["today"] = timezone.localdate().isoformat()
    else:
        adoption = source.adoption
        meeting = adoption.meeting if adoption else None
        parts["version"] = [version.number, version.frozen_at.isoformat()]
        parts["adoption"] = adoption and [
            adoption.pk,
            adoption.adoption_mode,
            meeting and [meeting.pk, meeting.starts_at.isoformat()],
        ]
        parts["deliberations"] = [_deliberation(d) for d in source.deliberations]
        parts["signatures"] = [
            [s.pk, s.organisation.name, s.signatory, s.signed_on.isoformat()]
            for s in source.signatures
        ]
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _deliberation(d: Deliberation) -> list[object]:
    votes = [d.votes_for, d.votes_against, d.abstentions]
    return [d.pk, d.number, d.held_on.isoformat(), d.assembly, votes]


def stored(
    source: Source, kind: str, extension: str, render: Callable[[], bytes]
) -> StoredDocument:
    """The document of `kind` for `source`: the stored one when what it is made from has not
    changed (its file still there), else rendered now by `render` and stored. Documents of the
    same version made from something older are deleted (once this one is committed)."""
    strategy = source.strategy
    number = source.version.number if source.version else None
    key = basis(source, kind)
    same = StoredDocument.objects.filter(
        strategy=strategy, kind=kind, version_number=number, basis=key
    )
    for document in same.order_by("pk"):
        if document.file.name and document.file.storage.exists(document.file.name):
            return document
        logger.warning("Stored document %s: file %s missing", document.pk, document.file.name)
    content = render()
    sha256 = hashlib.sha256(content).hexdigest()
    label = f"v{number}" if number is not None else "travail"
    document = StoredDocument(
        strategy=strategy, kind=kind, version_number=number, basis=key, sha256=sha256
    )
    document.file.save(
        f"strategie-{strategy.pk}-{label}-{kind}-{sha256[:12]}.{extension}",
        ContentFile(content),
        save=False,
    )
    with transaction.atomic():
        document.save()
        older = StoredDocument.objects.filter(
            strategy=strategy, kind=kind, version_number=number
        ).exclude(basis=key)
        names = [(old.file.storage, old.file.name) for old in older if old.file.name]
        older.delete()
        if names:
            transaction.on_commit(lambda: _delete(names))
    return document


def _delete(names: list[tuple[Any, str]]) -> None:
    for storage, name in names:
        storage.delete(name)


def etag(sha256: str) -> str:
    return f'"{sha256}"'


def not_modified(request: HttpRequest, sha256: str) -> bool:
    """The client holds these bytes already (If-None-Match names this ETag, or "*")."""
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return bool(sha256) and (etag(sha256) in tags or "*" in tags)


def file_response(
    request: HttpRequest,
    content: Callable[[], bytes],
    sha256: str,
    content_type: str,
    filename: str,
    *,
    public: bool,
) -> HttpResponse:
    """The stored bytes with their ETag; 304 without reading them when the client has them.
    Public documents may be kept by shared caches, as long as they revalidate; the others by
    the browser only."""
    if not_modified(request, sha256):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag(sha256)
    response["Cache-Control"] = "public, no-cache" if public else "private, no-cache"
    return response


def read(document: StoredDocument) -> bytes:
    with document.file.open("rb") as file:
        return file.read()  # type: ignore[no-any-return]  # a FieldFile opened "rb" reads bytes
