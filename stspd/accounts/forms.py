from django.contrib.auth import forms as auth_forms

from stspd.core.forms import Form


class LoginForm(Form, auth_forms.AuthenticationForm):
    pass


class PasswordResetForm(Form, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(Form, auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    pass
