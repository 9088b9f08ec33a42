from django.apps import AppConfig


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = "Chantiers"

    def ready(self):
        from commun.carte import register_filters, register_layers
        from commun.exports import register_export
        from commun.fiches import register_section
        from commun.retention import register_purge

        from . import carte, exports, retention
        from .sections import territoire_sections

        for layer in exports.EXPORTS:
            register_export(layer)
        register_layers(carte.layers, order=30)
        register_filters(carte.panel_filters)
        for purge in retention.PURGES:
            register_purge(purge)
        # The renewal programme's figures on the territory's page (/territoire/).
        register_section("territoire.Territoire", territoire_sections)
