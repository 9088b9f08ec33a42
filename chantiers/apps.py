from django.apps import AppConfig


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = "Chantiers"
