from collections.abc import Iterator

from django.contrib.auth import forms as auth_forms

from stspd.accounts.models import User
from stspd.core.forms import Form


class LoginForm(Form, auth_forms.AuthenticationForm):
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


class SetPasswordForm(Form, auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    pass
