"""The person's own page: login history, their data as JSON, asking for erasure; and the
unlock link of a locked address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from .current import current_user
from .enums import AccountMailKind
from .forms import UnlockRequestForm
from .models import LoginAttempt, User
from .personal_data import export, request_erasure
from .throttle import may_send_account_mail, unlock, unlock_token, unlock_token_email

HISTORY_LENGTH = 50


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    history = LoginAttempt.objects.filter(Q(user=user) | Q(email=user.email))[:HISTORY_LENGTH]
    return render(request, "accounts/account.html", {"history": history})


@login_required
def personal_data(request: HttpRequest) -> JsonResponse:
    """Everything the platform holds about the person, as a JSON file."""
    user = current_user(request)
    response = JsonResponse(export(user), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-stspd.json"'
    return response


@login_required
def erasure(request: HttpRequest) -> HttpResponse:
    """GET explains what erasure does; POST records the request for the site admin."""
    user = current_user(request)
    if request.method == "POST":
        request_erasure(user)
        messages.success(
            request,
            "Votre demande d'effacement est enregistrée : l'administrateur de la plateforme "
            "anonymisera votre compte.",
        )
        return redirect("account")
    return render(request, "accounts/erasure.html")


def unlock_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link that lifts the lock on one's address. The answer is the same whether or
    not an account has this address, and whether or not the hourly limit let a mail go."""
    form = UnlockRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = User.objects.filter(email=email, is_active=True).first()
        if user is not None and may_send_account_mail(email, AccountMailKind.UNLOCK):
            link = request.build_absolute_uri(reverse("login_unlock", args=[unlock_token(email)]))
            send_mail(
                "Débloquer votre connexion à stspd",
                render_to_string(
                    "registration/login_unlock_email.txt",
                    {"user": user, "link": link, "minutes": settings.STSPD_UNLOCK_LINK_MINUTES},
                ),
                None,
                [email],
            )
        return redirect("login_unlock_sent")
    return render(request, "registration/login_unlock_form.html", {"form": form})


def unlock_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/login_unlock_sent.html")


def unlock_login(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the e-mail; its button (a POST: mail scanners open links) lifts the lock:
    the recent failures of the address no longer count."""
    if request.method == "POST":
        unlocked = unlock(token) is not None
        return render(request, "registration/login_unlock_done.html", {"unlocked": unlocked})
    valid = unlock_token_email(token) is not None
    return render(request, "registration/login_unlock_confirm.html", {"valid": valid})
