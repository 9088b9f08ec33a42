from django.apps import AppConfig


class CarteConfig(AppConfig):
    """The map page, its downloadable copy and the exports: they combine the layers every
    app registers (commun.carte, commun.exports) and import no domain app but territoire."""

    name = "carte"
    verbose_name = "Carte"
