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
