"""The person's own page: login history, their data as JSON, asking for erasure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from .current import current_user
from .models import LoginAttempt
from .personal_data import export, request_erasure

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
