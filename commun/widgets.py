from django.contrib.gis import admin
from django.contrib.gis.forms.widgets import OSMWidget


class LocalOSMWidget(OSMWidget):
    """Django's OSM widget with OpenLayers served by the app (npm `ol`), not a CDN."""

    default_lon = 5.170
    default_lat = 48.778
    default_zoom = 15

    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/dist/ol.js", "gis/js/OLMapWidget.js")


class MapAdmin(admin.GISModelAdmin):
    gis_widget = LocalOSMWidget


def json_lisible(value):
    """A JSON value shown to a person in the admin: indented, read only, never a textarea."""
    import json

    from django.utils.html import format_html

    if value in (None, "", [], {}):
        return "—"
    return format_html('<pre class="json-lisible">{}</pre>', json.dumps(value, indent=2, ensure_ascii=False))
