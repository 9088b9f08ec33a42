from django.apps import AppConfig


class RevueConfig(AppConfig):
    """The comité de pilotage's review for a period: every app's figures (the dashboard's
    functions), the hot spots on a vector map, the decisions to take; prints and exports."""

    name = "revue"
    verbose_name = "Revue du comité de pilotage"
