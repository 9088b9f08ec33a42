from django.apps import AppConfig


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = "Chantiers"

    def ready(self):
        from commun.carte import register_filters, register_layers
        from commun.exports import register_export

        from . import carte, exports

        for layer in exports.EXPORTS:
            register_export(layer)
        register_layers(carte.layers, order=30)
        register_filters(carte.panel_filters)
