"""The signed-in person of a request, typed: every view behind `login_required` reads it here."""

from django.http import HttpRequest

from .models import User


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "only for views behind login_required"
    return user
