from django.apps import AppConfig

# What the service worker keeps: the participant's page and everything it loads.
OFFLINE_PAGES = ["/marches/participer/*"]
OFFLINE_ASSETS = [
    "css/app.css",
    "css/marches.css",
    "vendor/leaflet/dist/leaflet.css",
    "vendor/leaflet/dist/leaflet.js",
    "vendor/idb/build/umd.js",
    "js/commun.js",
    "js/outbox.js",
    "js/photo.js",
    "vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css",
    "vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js",
    "js/marche-carte.js",
    "js/marche-participer.js",
]


class MarchesConfig(AppConfig):
    """Marches exploratoires: exploratory safety walks, from planning to the follow-up of
    their préconisations. Depends on reports (an annotation may become one), never the reverse."""

    name = "marches"
    label = "marches"
    verbose_name = "Marches exploratoires"

    def ready(self):
        from commun.carte import register_layers
        from commun.exports import register_export
        from commun.offline import register_offline
        from commun.retention import register_purge
        from commun.tuiles import register_tiles

        from . import carte, exports, retention, schema, tuiles  # noqa: F401 - schema registers the OpenAPI scheme

        for layer in exports.EXPORTS:
            register_export(layer)
        register_layers(carte.layers, order=80)
        register_tiles(tuiles.LAYER)
        register_offline(pages=OFFLINE_PAGES, assets=OFFLINE_ASSETS)
        for purge in retention.PURGES:
            register_purge(purge)
