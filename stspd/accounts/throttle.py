"""Login throttling: too many failures for an address or from an IP in the last minutes, and the
next attempts are refused without even checking the password.

Why both? An address is protected against guessing from many machines; an IP is stopped from
trying many addresses. The IP limit is higher: a town hall's staff share one address.
"""

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import LoginAttempt, User

THROTTLED_MESSAGE = (
    "Trop de tentatives de connexion infructueuses : la connexion est bloquée pendant "
    "{minutes} minutes. Réessayez plus tard, ou demandez un nouveau mot de passe."
)


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
    failures = LoginAttempt.objects.filter(succeeded=False, throttled=False, at__gte=window_start())
    if failures.filter(email=email).count() >= settings.LOGIN_FAILURES_PER_ADDRESS:
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
