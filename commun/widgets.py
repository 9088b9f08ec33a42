from django.conf import settings
from django.contrib.gis import admin
from django.contrib.gis.forms.widgets import OSMWidget


class LocalOSMWidget(OSMWidget):
    """Django's OSM widget with OpenLayers served by the app (npm `ol`), not a CDN."""

    default_lon = 5.170
    default_lat = 48.778
    default_zoom = 15
    # Django's template starts the map with an inline script, which the CSP refuses: the
    # options go out as JSON and js/carte-admin.js starts the map.
    template_name = "commun/widgets/carte_admin.html"

    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/dist/ol.js", "gis/js/OLMapWidget.js", "js/carte-admin.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["carte_options_id"] = f"{context['id']}_options"
        context["carte_options"] = {
            "geom_name": context["geom_type"], "id": context["id"], "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"], "name": context["name"], "module": context["module"],
            "default_lon": self.default_lon, "default_lat": self.default_lat, "default_zoom": self.default_zoom,
            "tiles": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION,
        }
        return context


class MapAdmin(admin.GISModelAdmin):
    gis_widget = LocalOSMWidget


def json_lisible(value):
    """A JSON value shown to a person in the admin: indented, read only, never a textarea."""
    import json

    from django.utils.html import format_html

    if value in (None, "", [], {}):
        return "—"
    return format_html('<pre class="json-lisible">{}</pre>', json.dumps(value, indent=2, ensure_ascii=False))
