from django.apps import AppConfig


class Open311Config(AppConfig):
    """Open311 GeoReport v2 under /open311/v2/: civic reporting apps read our categories
    and send reports, which enter exactly as the REST API's (signalements.services)."""

    name = "open311"
    verbose_name = "Open311 GeoReport v2"
