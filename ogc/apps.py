from django.apps import AppConfig


class OgcConfig(AppConfig):
    """OGC API – Features under /ogc/ (QGIS, GDAL, OWSLib): one collection per layer of
    the export registry (`commun.exports`), which every domain app fills in its `ready()`."""

    name = "ogc"
    verbose_name = "OGC API – Features"
