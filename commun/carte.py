"""The planners' layered map, built with folium and fed by the REST API.

folium writes the map, its base layer, one empty layer group per data layer and the
layer control; `static/js/carte.js` fills each group from the API (never embedded in
the page) and reloads them when the filters change.

The same layers, with their data embedded and every script inlined, make the
self-contained HTML file a planner downloads for a meeting (`standalone_html`).

Apps add layers with `register_layers(provider)`: a provider takes the request and
returns the `ApiLayer`s the user may see; `register_filters` adds the panel's selects.
Each app registers its own in its `AppConfig.ready()` (its `carte.py`); this module
knows no app.
"""

import base64
import re
from dataclasses import dataclass

import folium
from branca.element import Element, MacroElement
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import mark_safe
from folium.utilities import JsCode
from jinja2 import Template

# Without a territory: the whole of metropolitan France.
DEFAULT_VIEW = {"center": (46.6, 2.4), "zoom": 6, "bounds": None}
PHONE_QUERY = 'window.matchMedia("(max-width: 47.99rem)").matches'

# Map plug-ins served from node_modules, in load order.
PLUGINS_JS = [
    "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
    "vendor/leaflet.heat/dist/leaflet-heat.js",
]
# Vector tiles: on the live map only (the downloaded map embeds its features).
VECTORGRID_JS = "vendor/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js"
PLUGINS_CSS = [
    "vendor/leaflet.markercluster/dist/MarkerCluster.css",
    "vendor/leaflet.markercluster/dist/MarkerCluster.Default.css",
]
# What a layer option needs loaded in the page.
OPTION_ASSETS = {
    "cluster": (PLUGINS_CSS, [PLUGINS_JS[0]]),
    "heat": ([], [PLUGINS_JS[1]]),
    "tiles": ([], [VECTORGRID_JS]),
}
LEAFLET_JS = "vendor/leaflet/dist/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/dist/leaflet.css"
CARTE_JS = "js/carte.js"
COMMUN_JS = "js/commun.js"

_providers = []
_filters = []


def register_layers(provider, order=100):
    """Add a function `provider(request) -> [ApiLayer, …]` to every map, in `order`
    (smaller first in the layer control). Idempotent."""
    if provider not in [p for _, p in _providers]:
        _providers.append((order, provider))
        _providers.sort(key=lambda item: item[0])
    return provider


def registered_layers(request):
    layers = []
    for _, provider in _providers:
        layers.extend(provider(request) or [])
    return layers


@dataclass
class PanelFilter:
    """A select of the map's filter panel: `name` is the panel's field, which each
    layer maps to its own API parameter (`ApiLayer(filters={name: param})`)."""

    name: str
    label: str
    choices: list
    empty_label: str = "Tous"


def register_filters(provider):
    """Add `provider(request) -> [PanelFilter, …]` to the map's filter panel. Idempotent."""
    if provider not in _filters:
        _filters.append(provider)
    return provider


def panel_filters(request):
    return [f for provider in _filters for f in (provider(request) or [])]


# How each kind of layer is drawn (Leaflet path options). The one source of the map's
# styles: sent to carte.js in each layer's config (`style_def`) and drawn in the legend.
STYLES = {
    "territoire": {"color": "#1d3557", "weight": 3, "fill": False},
    "secteur": {"color": "#6a4c93", "weight": 1.5, "dashArray": "6 4", "fillOpacity": 0.06},
    "resolus": {"color": "#0b6e4f", "weight": 2, "fillColor": "#0b6e4f", "fillOpacity": 0.12},
    "equipement": {"radius": 8, "color": "#ffffff", "weight": 2, "fillColor": "#0b6e4f", "fillOpacity": 1},
    "chantier": {"color": "#b5179e", "weight": 3, "fillOpacity": 0.25, "radius": 9, "fillColor": "#b5179e"},
    "signalement": {"radius": 6, "color": "#ffffff", "weight": 1, "fillColor": "#d62828", "fillOpacity": 0.9},
    "marche": {"color": "#f77f00", "weight": 4, "dashArray": "2 6", "fill": False},
    "friche": {"color": "#8d6e63", "weight": 2, "fillOpacity": 0.3, "radius": 9, "fillColor": "#8d6e63"},
    "proposition": {"radius": 7, "color": "#ffffff", "weight": 2, "fillColor": "#5d4037", "fillOpacity": 1,
                    "dashArray": "3 3"},
}
# What the map draws beyond a layer's own style: groups of points, the density.
CLUSTER_LABEL = "Groupe de points : le nombre est écrit dedans ; zoomez pour les détailler"
HEAT_LABEL = "Densité : du bleu (peu) au rouge (beaucoup)"


def swatch(style, colour=None, shape=None):
    """A 24×16 inline SVG drawn from a layer's style (`colour` replaces its colours): a
    circle for points, a line for traces, a filled square for areas. Attributes, no CSS."""
    if isinstance(colour, dict):  # a row's own style (a status's stroke), over the layer's
        style, colour = {**style, **colour}, None
    stroke = colour or style.get("color", "#333333")
    fill = colour or style.get("fillColor", style.get("color", "#333333"))
    dash = f' stroke-dasharray="{escape(style["dashArray"])}"' if style.get("dashArray") else ""
    if shape is None:
        # A layer of markers only (opaque fill); areas that may also hold points draw as areas.
        point = "radius" in style and float(style.get("fillOpacity", 1)) >= 0.9
        shape = "point" if point else "ligne" if style.get("fill") is False else "surface"
    if shape == "point":
        ring = "#555555" if style.get("color", "").lower() in ("#fff", "#ffffff") else stroke
        body = (f'<circle cx="12" cy="8" r="6" fill="{escape(fill)}" fill-opacity="{style.get("fillOpacity", 1)}" '
                f'stroke="{escape(ring)}" stroke-width="1.5"{dash}/>')
    elif shape == "ligne":
        body = (f'<line x1="1" y1="8" x2="23" y2="8" stroke="{escape(stroke)}" '
                f'stroke-width="{min(float(style.get("weight", 3)), 5)}"{dash}/>')
    elif shape == "groupe":
        body = (f'<circle cx="12" cy="8" r="7.5" fill="{escape(fill)}" fill-opacity=".75" stroke="#ffffff" '
                f'stroke-width="1.5"/><text x="12" y="11" font-size="8" text-anchor="middle" fill="#ffffff">12</text>')
    elif shape == "chaleur":
        body = ('<defs><linearGradient id="degrade-chaleur"><stop offset="0" stop-color="#0000ff"/>'
                '<stop offset=".5" stop-color="#00ff00"/><stop offset="1" stop-color="#ff0000"/></linearGradient>'
                '</defs><rect x="1" y="3" width="22" height="10" fill="url(#degrade-chaleur)"/>')
    else:
        opacity = max(float(style.get("fillOpacity", 0.2)), 0.1)
        body = (f'<rect x="2" y="2" width="20" height="12" fill="{escape(fill)}" fill-opacity="{opacity}" '
                f'stroke="{escape(stroke)}" stroke-opacity="{style.get("opacity", 1)}" '
                f'stroke-width="{min(float(style.get("weight", 2)), 4)}"{dash}/>')
    return mark_safe(  # noqa: S308 - built from the registry's styles, every value escaped
        f'<svg class="pastille-svg" width="24" height="16" viewBox="0 0 24 16" aria-hidden="true" '
        f'focusable="false">{body}</svg>')


def legend(layers):
    """The legend of the given layers, generated from their styles: one section per layer,
    `(title, [(swatch, label), …])` in the layers' order. A layer's own `legend` rows
    (`(title, [(colour or style dict, label), …])`) say more (a colour per nature, a stroke
    per status); every layer appears,
    with its groups (`cluster`, vector tiles) and density (`heat`) when it draws them."""
    sections = []
    for layer in layers:
        style = layer.style_def
        if layer.legend:
            for title, rows in layer.legend:
                sections.append((title, [(swatch(style, colour), label) for colour, label in rows]))
        elif layer.config.get("heat"):
            sections.append((layer.layer_name, [(swatch(style, shape="chaleur"), HEAT_LABEL)]))
            continue
        else:
            sections.append((layer.layer_name, [(swatch(style), layer.layer_name)]))
        if layer.config.get("cluster") or layer.config.get("tiles"):
            title, rows = sections[-1]
            rows.append((swatch(style, shape="groupe"), CLUSTER_LABEL))
    return sections


class ApiLayer(folium.FeatureGroup):
    """An overlay whose features are fetched from an API URL by carte.js.

    `config` travels to the browser as JSON: key, url, style, name, and optionally
    `fields` (popup lines), `title`, `tooltip`, `detail` (link to a page), `filters`
    (panel filter → API parameter), `color_by`/`colors`, `styles_by`, `cluster`, `heat`,
    `source` (reuse another layer's features), `export` (key of the export endpoint),
    `data` (embedded features, for the downloaded map only), `tiles` (a `{z}/{x}/{y}`
    vector-tile URL drawn instead of `url` on the live map; `tiles_params`,
    `tiles_layer`, `detail_api` for the popup, `download_max` for the downloaded map). `legend` rows
    `(title, [(colour, label), …])` stay on the server, for the page's legend.
    """

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

    def __init__(self, name, key, url, style, show=True, legend=(), **config):
        super().__init__(name=name, show=show)
        self._name = "ApiLayer"
        self.legend = list(legend)
        self.style_def = dict(STYLES.get(style, {}))
        self.config = {"key": key, "url": url, "style": style, "style_def": self.style_def, "name": name, **config}

    def _options(self):
        """The options whose plug-ins the live page loads: a layer drawn from vector tiles
        needs only VectorGrid there (its clusters and density come from the server); the
        downloaded map, which has no tiles, inlines every plug-in (`standalone_html`)."""
        if self.config.get("tiles"):
            return ["tiles"]
        return [option for option in OPTION_ASSETS if self.config.get(option)]

    @property
    def assets_css(self):
        return [path for option in self._options() for path in OPTION_ASSETS[option][0]]

    @property
    def assets_js(self):
        return [path for option in self._options() for path in OPTION_ASSETS[option][1]]


class FitTerritory(MacroElement):
    """Start the layers (carte.js `Carte.start`). A map built without the territory's
    bounds zooms to the first layer flagged `fit` once that layer has loaded."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            window.Carte.start({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


def build_map(layers, view=None, attribution_extra=""):
    """Return a folium Map with the given `ApiLayer`s, Leaflet served locally.

    `view` is `{"center": (lat, lon), "zoom": z, "bounds": …}`, the territory's (see
    territoire.services). With bounds, carte.js fits them as the map is created, before any
    tile is asked for: the map opens at its final zoom, with no animated jump once the
    perimeter has loaded (on a phone, that jump fetched the base map twice).
    """
    view = view or DEFAULT_VIEW
    options = {"vue_initiale": view["bounds"]} if view.get("bounds") else {}
    fmap = folium.Map(location=view["center"], zoom_start=view["zoom"], tiles=None, control_scale=True,
                      **options)
    fmap.default_js = [("leaflet", static(LEAFLET_JS))]
    fmap.default_css = [("leaflet_css", static(LEAFLET_CSS))]
    attribution = settings.MAP_TILES_ATTRIBUTION
    if attribution_extra:
        attribution = f"{attribution} | {attribution_extra}"
    if settings.MAP_TILES_URL:
        folium.TileLayer(
            settings.MAP_TILES_URL, attr=attribution, name="Plan", max_zoom=19
        ).add_to(fmap)
    for layer in layers:
        layer.add_to(fmap)
    # Open on a large screen; folded into a button on a phone, where it would hide the map.
    folium.LayerControl(collapsed=JsCode(PHONE_QUERY), position="topright").add_to(fmap)
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


# --- The downloaded, self-contained map -------------------------------------------------

def _static_text(path):
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as fh:
        return fh.read()


def _inline_css_images(css, base):
    """Leaflet's CSS points at images/…: embed them as data: URIs."""

    def replace(match):
        rel = match.group(1)
        found = finders.find(f"{base}/{rel}")
        if not found:
            return match.group(0)
        with open(found, "rb") as fh:
            data = base64.b64encode(fh.read()).decode()
        mime = "image/svg+xml" if rel.endswith(".svg") else "image/png"
        return f"url(data:{mime};base64,{data})"

    return re.sub(r"url\((images/[^)]+)\)", replace, css)


def _script(text):
    return "<script>" + text.replace("</script", "<\\/script") + "</script>"


def _style(text):
    return "<style>" + text.replace("</style", "<\\/style") + "</style>"


class StandaloneInfo(MacroElement):
    """A title box on the downloaded map: what it shows, when, and the demo warning."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
              var box = L.control({position: "bottomleft"});
              box.onAdd = function () {
                var div = L.DomUtil.create("div", "carte-cartouche");
                {{ this.lines|tojson }}.forEach(function (line, i) {
                  var p = document.createElement(i === 0 ? "strong" : "div");
                  p.textContent = line;
                  div.appendChild(p);
                });
                return div;
              };
              box.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}
        """
    )

    def __init__(self, lines):
        super().__init__()
        self._name = "StandaloneInfo"
        self.lines = lines


STANDALONE_CSS = """
html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
.folium-map { position: absolute !important; inset: 0; }
.popup-label { font-weight: 600; }
.carte-cartouche { background: #fff; padding: .4rem .6rem; border: 1px solid #888;
                   max-width: 22rem; font-size: .85rem; }
.carte-legende { background: #fff; padding: .4rem .6rem; border: 1px solid #888; font-size: .8rem; }
.carte-legende svg { margin-right: .3rem; vertical-align: middle; }
.carte-etiquette { font-weight: 600; }
"""


def standalone_html(layers, title_lines, legend=None, view=None, attribution_extra=""):
    """A full HTML document: folium map, data embedded, Leaflet and plug-ins inlined.

    Nothing is loaded from elsewhere but the base map tiles, so the file opens offline
    (without a background map) on a meeting-room laptop.
    """
    fmap = build_map(layers, view=view, attribution_extra=attribution_extra)
    fmap.default_js = []
    fmap.default_css = []
    StandaloneInfo(title_lines).add_to(fmap)
    figure = fmap.get_root()
    leaflet_css = _inline_css_images(_static_text(LEAFLET_CSS), "vendor/leaflet/dist")
    css = [leaflet_css] + [_static_text(p) for p in PLUGINS_CSS] + [STANDALONE_CSS]
    js = [_static_text(LEAFLET_JS)] + [_static_text(p) for p in PLUGINS_JS] + [_static_text(COMMUN_JS),
                                                                             _static_text(CARTE_JS)]
    figure.header.add_child(Element(_style("\n".join(css))), name="inline_css")
    figure.header.add_child(Element("\n".join(_script(t) for t in js)), name="inline_js")
    figure.header.add_child(Element(f"<title>{escape(title_lines[0])}</title>"), name="titre")
    if legend:
        figure.html.add_child(Element(legend_html(legend)), name="legende")
    html = figure.render()
    # folium's header disables zooming on phones; the downloaded map keeps it.
    return html.replace("maximum-scale=1.0, user-scalable=no", "")


def legend_html(legend):
    """Legend rows `(title, [(swatch, label), …])` (see `legend`), escaped, as a fixed box."""
    parts = ['<div class="carte-legende" style="position:absolute;right:10px;bottom:30px;z-index:1000">']
    for title, rows in legend:
        parts.append(f"<strong>{escape(title)}</strong>")
        for symbol, label in rows:
            parts.append(f"<div>{symbol}{escape(label)}</div>")
    parts.append("</div>")
    return "".join(parts)
