from django.apps import AppConfig


class MarchesConfig(AppConfig):
    """Marches exploratoires: one more way of collecting observations, so under signalements/."""

    name = "signalements.marches"
    label = "marches"
    verbose_name = "Marches exploratoires"

    def ready(self):
        from . import carte, schema  # noqa: F401 - registers the OpenAPI scheme

        carte.register()
