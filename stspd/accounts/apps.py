from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stspd.accounts"
