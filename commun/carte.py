"""The planners' layered map, built with folium and fed by the REST API.

folium writes the map, its base layer, one empty layer group per data layer and the
layer control; `static/js/carte.js` fills each group from the API (never embedded in
the page) and reloads them when the filters change.
"""

import json

import folium
from branca.element import MacroElement
from django.conf import settings
from django.templatetags.static import static
from jinja2 import Template

DEFAULT_CENTER = (48.778, 5.170)


class ApiLayer(folium.FeatureGroup):
    """An overlay whose features are fetched from an API URL by carte.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup({});
            {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
            window.Carte.register({{ this._parent.get_name() }}, {{ this.get_name() }},
                                  {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, name, key, url, style, show=True, **config):
        super().__init__(name=name, show=show)
        self._name = "ApiLayer"
        self.config = {"key": key, "url": url, "style": style, "name": name, **config}


class FitTerritory(MacroElement):
    """Zoom to the first layer flagged `fit` once it has loaded."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.Carte.start({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


def build_map(layers, center=DEFAULT_CENTER, zoom=15, attribution_extra=""):
    """Return a folium Map with the given `ApiLayer`s, Leaflet served locally."""
    fmap = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=True)
    fmap.default_js = [("leaflet", static("vendor/leaflet/dist/leaflet.js"))]
    fmap.default_css = [("leaflet_css", static("vendor/leaflet/dist/leaflet.css"))]
    attribution = settings.MAP_TILES_ATTRIBUTION
    if attribution_extra:
        attribution = f"{attribution} | {attribution_extra}"
    if settings.MAP_TILES_URL:
        folium.TileLayer(
            settings.MAP_TILES_URL, attr=attribution, name="Plan", max_zoom=19
        ).add_to(fmap)
    for layer in layers:
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    FitTerritory().add_to(fmap)
    return fmap


def render_parts(fmap):
    """Split a folium map into the pieces a Django template places itself.

    folium's own header forces `user-scalable=no` and full-page styles; the base
    template already has an accessible viewport and styles, so only the map's
    <div> and script are kept.
    """
    figure = fmap.get_root()
    figure.render()
    return {
        "map_html": figure.html.render(),
        "map_script": figure.script.render(),
        "map_id": fmap.get_name(),
    }


def layers_json(layers):
    return json.dumps([layer.config for layer in layers])
