from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms

from stspd.accounts.models import User
from stspd.core.forms import Form

from .enums import AccountMailKind
from .throttle import (
    THROTTLED_MESSAGE,
    client_ip,
    is_throttled,
    may_send_account_mail,
    record_attempt,
)


class ThrottledLogin:
    """Count every attempt (the login history) and refuse one after too many failures."""

    request: Any
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        email = str(self.cleaned_data.get("username") or "").strip().lower()
        ip = client_ip(self.request)
        if email and is_throttled(email, ip):
            record_attempt(email, ip, throttled=True)
            raise forms.ValidationError(
                THROTTLED_MESSAGE.format(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES),
                code="throttled",
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # a mixin: the AuthenticationForm after it in the bases has clean()
        except forms.ValidationError:
            if email:
                record_attempt(email, ip)
            raise
        record_attempt(email, ip, user=self.get_user(), succeeded=True)  # type: ignore[attr-defined]  # a mixin: the AuthenticationForm after it in the bases has get_user()
        return cleaned


class LoginForm(ThrottledLogin, Form, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie, ou "
            "demandez un nouveau mot de passe."
        ),
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case (EmailUserManager): accept any case at login.
        return str(self.cleaned_data["username"]).strip().lower()


class PasswordResetForm(Form, auth_forms.PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:
        """Also people invited who never chose a password (Django skips unusable passwords):
        once their invitation link has expired, this is how they get a new one."""
        return iter(User.objects.filter(email=email.strip().lower(), is_active=True))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """At most STSPD_ACCOUNT_MAILS_PER_HOUR per address: past it, nothing is sent, and the
        page says the same as always (it never tells whether an account exists)."""
        if may_send_account_mail(to_email, AccountMailKind.PASSWORD_RESET):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name=html_email_template_name,
            )


class UnlockRequestForm(Form):
    email = forms.EmailField(label="Adresse électronique", max_length=254)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class SetPasswordForm(Form, auth_forms.SetPasswordForm):  # type: ignore[type-arg]  # generic in django-stubs only, not subscriptable at runtime
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    """The administration's login page is throttled and recorded like the site's."""
