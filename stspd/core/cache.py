"""Compute once, read many, never stale: results cached under the version of the data.

Every change of data that a page shows records an event (stspd.audit.events.record), which
calls `bump` in the same transaction: the one-row table DataVersion gets a new random token.
Readers key what they cache by that token (one query by primary key), so a change committed
makes every earlier cached page and summary unreachable at once, on every app server and
worker, whatever the cache backend (locmem per process, or Redis shared). A random token rather
than a counter: no token comes back, not even after a restore (which is not given the backup's
token but a new one). Cached entries also expire after STSPD_CACHE_SECONDS.

`public_page` caches the whole page of an anonymous visitor, with an ETag: a conditional
request (If-None-Match) is answered 304 without running the view.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from .models import DataVersion

logger = logging.getLogger(__name__)

T = TypeVar("T")
ROW = 1
# The headers a view sets itself (the middleware add the others to every answer, cached or not).
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin")


def data_version() -> str:
    """The current token ("" before the first change of a fresh database)."""
    token: str | None = DataVersion.objects.filter(pk=ROW).values_list("token", flat=True).first()
    return token or ""


def bump() -> None:
    """A new token, written in the caller's transaction (call it with the change it covers)."""
    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=ROW).update(token=token):
        DataVersion.objects.bulk_create([DataVersion(pk=ROW, token=token)], ignore_conflicts=True)
        DataVersion.objects.filter(pk=ROW).update(token=token)


def key(*parts: object) -> str:
    """A cache key for these parts (the data version among them), short and safe for any backend."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _get(name: str) -> Any:
    # A cache server that does not answer: compute, as without a cache (and say so in the log).
    try:
        return cache.get(name)
    except Exception:
        logger.exception("cache: read failed")
        return None


def _set(name: str, value: Any) -> None:
    try:
        cache.set(name, value, settings.STSPD_CACHE_SECONDS)
    except Exception:
        logger.exception("cache: write failed")


def cached(kind: str, parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """`compute()`'s result for these parts at the current data version: from the cache when
    it is there, else computed and kept. The result must be picklable."""
    name = f"{kind}:{key(data_version(), timezone.localdate(), *parts)}"
    found = _get(name)
    if found is not None:
        return found[0]  # type: ignore[no-any-return]  # the (value,) stored below
    value = compute()
    _set(name, (value,))  # in a tuple: a result of None is cached too
    return value


def _anonymous(request: HttpRequest) -> bool:
    """No session and no pending message: the page is the same for every such visitor."""
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A public view's answers (HTML page or open-data file) cached whole for anonymous visitors,
    under the data version, the day (periods and "in force" depend on it) and the URL; with an
    ETag that a conditional request gets back as a 304, the view not run. Shared caches may keep
    them but must revalidate (no-cache): a change is seen at the next request. Signed-in
    visitors (their name in the header) get the view's own answer, kept by no shared cache."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        tag = key(data_version(), timezone.localdate(), request.build_absolute_uri())
        etag = f'"{tag}"'
        if _not_modified(request, etag):
            response = HttpResponseNotModified()
        elif (found := _get(f"page:{tag}")) is not None:
            content, headers = found
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or not isinstance(response, HttpResponse):
                return response
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            _set(f"page:{tag}", (response.content, headers))
        response["ETag"] = etag
        patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
