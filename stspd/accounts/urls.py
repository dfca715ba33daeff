from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm, PasswordResetForm, SetPasswordForm

urlpatterns = [
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/donnees.json", views.personal_data, name="account_data"),
    path("mon-compte/effacement/", views.erasure, name="account_erasure"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("connexion/deblocage/", views.unlock_request, name="login_unlock_request"),
    path("connexion/deblocage/envoye/", views.unlock_sent, name="login_unlock_sent"),
    path("connexion/deblocage/<str:token>/", views.unlock_login, name="login_unlock"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
