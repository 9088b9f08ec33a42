from django.apps import AppConfig


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = "Chantiers"

    def ready(self):
        from commun.carte import register_layers
        from commun.exports import register_export

        from . import carte, exports

        for layer in exports.EXPORTS:
            register_export(layer)
        register_layers(carte.layers)
