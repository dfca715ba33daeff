"""Rate limiting: requests per minute per person (tokens and session together), or per address.

Counted in the database, like login failures, so that several app servers share the count.
Fixed one-minute windows: simple to explain ("60 requests per minute") and one row per client
and minute; finished minutes are deleted as clients begin a new one.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from stspd.accounts.throttle import client_ip

from .models import RequestCount


def client_key(request: HttpRequest) -> tuple[str, int]:
    """Who is counted, and their limit per minute."""
    # Per person, whichever of their tokens or their session is used: more tokens do not
    # buy more requests.
    user = getattr(request, "auth", None)
    if user is not None:
        return f"user:{user.pk}", settings.STSPD_API_REQUESTS_PER_MINUTE
    return (
        f"ip:{client_ip(request) or 'inconnue'}",
        settings.STSPD_API_ANONYMOUS_REQUESTS_PER_MINUTE,
    )


def count_request(client: str, minute: int) -> int:
    """Add one request to the client's minute; the minute's count so far."""
    # The primary, even for a GET: a replica may not have this minute's row yet.
    counts = RequestCount.objects.using(DEFAULT_DB_ALIAS).filter(client=client, minute=minute)
    if not counts.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                counts.create(client=client, minute=minute, count=1)
        except IntegrityError:  # another server created it at the same moment
            counts.update(count=F("count") + 1)
        else:
            # A client's first request of a minute clears every finished minute (all clients):
            # the table holds about one minute of clients.
            RequestCount.objects.using(DEFAULT_DB_ALIAS).filter(minute__lt=minute).delete()
            return 1
    return counts.values_list("count", flat=True).get()


class PerMinuteThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        client, limit = client_key(request)
        return count_request(client, int(time.time() // 60)) <= limit

    def wait(self) -> float:
        return 60 - time.time() % 60  # the start of the next minute
