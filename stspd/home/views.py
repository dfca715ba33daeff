"""The home page: what the person must do, council by council (todo.py)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.councils import access
from stspd.obligations.access import opens_national, state_role
from stspd.obligations.models import StateLevel

from .todo import todos


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    state = state_role(user)
    context: dict[str, Any] = {"pending": access.pending_councils(user), "state": state}
    if user.is_superuser:
        # Every council is the site admin's: the list, no to-do of each.
        context["councils"] = access.user_councils(user)
    else:
        context["todos"] = todos(user, access.user_roles(user), today)
    context["national"] = StateLevel.NATIONAL
    # The site admin has no State role but opens the State's views (obligations.access).
    context["national_view"] = state is None and opens_national(user, state)
    return render(request, "councils/home.html", context)
