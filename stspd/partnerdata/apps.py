from django.apps import AppConfig


class PartnerdataConfig(AppConfig):
    name = "stspd.partnerdata"
    verbose_name = "données des partenaires"
