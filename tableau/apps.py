from django.apps import AppConfig


class TableauConfig(AppConfig):
    """The pilots' dashboard: it reads every app's figures (their `indicateurs.py`)."""

    name = "tableau"
    verbose_name = "Tableau de bord"
