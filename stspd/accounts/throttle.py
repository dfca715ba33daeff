"""Login throttling: too many failures for an address from one source, for an address from
anywhere, or from one source, in the last minutes, and the next attempts are refused without
even checking the password.

Why per address and source? Because five wrong passwords typed by anyone used to lock an
address for everyone: a denial of service. Now a few failures lock only that address from that
source; a much higher ceiling per address still stops guessing from many machines, and the
address's owner can lift it with a link sent to the address (`unlock_link`). The per-source limit
stops one machine trying many addresses; it is higher: a town hall's staff share one address.
The e-mails about an account (password reset, unlock link) are limited per address and per hour.
"""

import datetime
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import AccountMail, DownloadCount, LoginAttempt, User

THROTTLED_MESSAGE = (
    "Trop de tentatives de connexion infructueuses : la connexion est bloquée pendant "
    "{minutes} minutes. Réessayez plus tard, ou demandez un nouveau mot de passe ou un lien "
    "de déblocage envoyé à votre adresse."
)
UNLOCK_SALT = "stspd.accounts.unlock"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the one the trusted reverse proxies saw."""
    if request is None:
        return None
    proxies = settings.STSPD_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return str(hops[-proxies])
    remote: Any = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None


def window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def is_throttled(email: str, ip: str | None) -> bool:
    failures = LoginAttempt.objects.filter(
        succeeded=False, throttled=False, cleared=False, at__gte=window_start()
    )
    of_address = failures.filter(email=email)
    if ip and of_address.filter(ip=ip).count() >= settings.LOGIN_FAILURES_PER_ADDRESS_AND_IP:
        return True
    if of_address.count() >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return True
    return bool(ip) and failures.filter(ip=ip).count() >= settings.LOGIN_FAILURES_PER_IP


def record_attempt(
    email: str,
    ip: str | None,
    *,
    user: User | None = None,
    succeeded: bool = False,
    throttled: bool = False,
) -> LoginAttempt:
    if user is None:
        user = User.objects.filter(email=email).first()
    return LoginAttempt.objects.create(
        email=email[:254], ip=ip, user=user, succeeded=succeeded, throttled=throttled
    )


def unlock_token(email: str) -> str:
    """A signed token naming the address; `unlock` accepts it for STSPD_UNLOCK_LINK_MINUTES."""
    return signing.dumps({"email": email}, salt=UNLOCK_SALT)


def unlock_token_email(token: str) -> str | None:
    """The address a valid, recent token names; None for a bad or expired one."""
    try:
        data = signing.loads(
            token, salt=UNLOCK_SALT, max_age=settings.STSPD_UNLOCK_LINK_MINUTES * 60
        )
    except signing.BadSignature:  # also signing.SignatureExpired
        return None
    email = data.get("email") if isinstance(data, dict) else None
    return email if isinstance(email, str) and email else None


def unlock(token: str) -> str | None:
    """Clear the recent failures of the address the token names; None for a bad or old token."""
    email = unlock_token_email(token)
    if email is not None:
        LoginAttempt.objects.filter(email=email, succeeded=False, at__gte=window_start()).update(
            cleared=True
        )
    return email


def may_send_account_mail(email: str, kind: str) -> bool:
    """Count an e-mail about the account to `email`, or refuse it: at most
    STSPD_ACCOUNT_MAILS_PER_HOUR of each kind per address in the last hour."""
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    AccountMail.objects.filter(at__lt=hour_ago).delete()
    with transaction.atomic():
        # Concurrent requests for one address wait here, so that none slips past the limit.
        list(User.objects.select_for_update().filter(email=email).values_list("pk"))
        sent = AccountMail.objects.filter(email=email, kind=kind, at__gte=hour_ago).count()
        if sent >= settings.STSPD_ACCOUNT_MAILS_PER_HOUR:
            return False
        AccountMail.objects.create(email=email[:254], kind=kind)
    return True


# Anonymous downloads of documents and exports (issue 15: one anonymous PDF of a strategy cost
# 4.6 s of CPU, four in parallel 22 s each, and nothing limited them). Counted in the database
# per address and fixed minute, like the API's limit, so that every app server shares the count.
DOWNLOAD_PREFIXES = ("/public/",)
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".xlsx", ".docx", ".json", ".jsonld")


def is_anonymous_download(request: HttpRequest) -> bool:
    path = request.path_info
    user = getattr(request, "user", None)
    return (
        not (user is not None and user.is_authenticated)
        and path.startswith(DOWNLOAD_PREFIXES)
        and path.endswith(DOWNLOAD_SUFFIXES)
    )


def count_download(client: str, minute: int) -> int:
    """Add one download to the address's minute; the minute's count so far."""
    counts = DownloadCount.objects.using(DEFAULT_DB_ALIAS).filter(client=client, minute=minute)
    if not counts.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                counts.create(client=client, minute=minute, count=1)
        except IntegrityError:  # another server created it at the same moment
            counts.update(count=F("count") + 1)
        else:
            # An address's first download of a minute clears every finished minute.
            DownloadCount.objects.using(DEFAULT_DB_ALIAS).filter(minute__lt=minute).delete()
            return 1
    return counts.values_list("count", flat=True).get()


class DownloadLimitMiddleware:
    """At most STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE documents or exports per address and
    minute for visitors who are not signed in; beyond, a French 429 page with Retry-After.
    Signed-in people are not counted: they are known, and their council's own files are theirs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_anonymous_download(request):
            now = time.time()
            client = client_ip(request) or "inconnue"
            limit = settings.STSPD_ANONYMOUS_DOWNLOADS_PER_MINUTE
            if count_download(client, int(now // 60)) > limit:
                wait = max(1, math.ceil(60 - now % 60))  # the start of the next minute
                response = render(
                    request,
                    "429.html",
                    {"limit": limit, "wait": wait},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
