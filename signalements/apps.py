from django.apps import AppConfig

# What the service worker keeps: the report form and everything it loads.
OFFLINE_PAGES = ["/signaler/"]
OFFLINE_ASSETS = [
    "css/app.css",
    "css/signalements.css",
    "vendor/leaflet/dist/leaflet.css",
    "vendor/leaflet/dist/leaflet.js",
    "vendor/leaflet/dist/images/marker-icon.png",
    "vendor/leaflet/dist/images/marker-icon-2x.png",
    "vendor/leaflet/dist/images/marker-shadow.png",
    "vendor/idb/build/umd.js",
    "js/commun.js",
    "js/outbox.js",
    "js/photo.js",
    "js/signaler.js",
    "js/mes-signalements.js",
]


class SignalementsConfig(AppConfig):
    name = "signalements"
    verbose_name = "Signalements"

    def ready(self):
        from commun.carte import register_filters, register_layers
        from commun.exports import register_export
        from commun.offline import register_offline
        from commun.retention import register_purge

        from . import carte, exports, retention

        for layer in exports.EXPORTS:
            register_export(layer)
        register_layers(carte.resolved_layers, order=20)
        register_layers(carte.report_layers, order=90)
        register_filters(carte.panel_filters)
        register_offline(pages=OFFLINE_PAGES, assets=OFFLINE_ASSETS)
        for purge in retention.PURGES:
            register_purge(purge)
        self.forget_configuration_on_change()
        self.serve_tiles()

    def serve_tiles(self):
        from django.db.models.signals import post_delete, post_save

        from commun.tuiles import register_tiles

        from . import tuiles
        from .indicateurs import forget_public_figures
        from .models import Signalement

        register_tiles(tuiles.LAYER)
        post_save.connect(forget_public_figures, sender=Signalement, dispatch_uid="figures-save")
        post_delete.connect(forget_public_figures, sender=Signalement, dispatch_uid="figures-delete")
        post_delete.connect(tuiles.count_deletion, sender=Signalement, dispatch_uid="tiles-delete")

    def forget_configuration_on_change(self):
        """A category, routing rule, acteur or sector saved here is seen at once by this
        process (the others within 30 s, see commun.memo)."""
        from django.db.models.signals import post_delete, post_save

        from territoire.models import Acteur, Secteur

        from .models import Categorie, RegleRoutage
        from .services import CONFIGURATION

        for model in (Categorie, RegleRoutage, Acteur, Secteur):
            post_save.connect(CONFIGURATION.clear, sender=model, dispatch_uid=f"config-save-{model.__name__}")
            post_delete.connect(CONFIGURATION.clear, sender=model, dispatch_uid=f"config-delete-{model.__name__}")
