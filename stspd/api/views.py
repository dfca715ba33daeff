"""A person's API tokens: create one (its secret shown once), list them, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.audit.events import record

from .forms import TokenForm
from .models import ApiToken


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    live = user.api_tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    form = TokenForm(request.POST or None, live_tokens=live.count())
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = ApiToken.issue(
            user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=timezone.now() + form.lifetime(),
        )
        record(user, "created", token, changes=form.data_for_event())
        form = TokenForm(live_tokens=live.count())
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": user.api_tokens.all(), "now": timezone.now()},
        status=400 if request.method == "POST" and secret is None else 200,
    )


@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Only the owner revokes their token; another person's token does not exist for them."""
    user = current_user(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(user, "revoked", token)
        messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("tokens:list")
