"""The map pages: `/carte/` and the self-contained copy a planner downloads.

The layers, the panel's filters and the legend come from the registry that each app
fills in its `AppConfig.ready()` (`commun.carte`); this page knows no app. What a user
sees of each layer is decided by the layer's own API (visibility rules included).
"""

import json
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.http import require_GET

from commun.carte import build_map, legend, panel_filters, registered_layers, render_parts, standalone_html
from commun.exports import export_urls
from territoire.services import map_view, principal_territoire

# Filters of the panel that every layer may use; the others come from the registry.
PERIOD = ["depuis", "jusqua"]
MAX_DOWNLOAD_PAGES = 50


def home(request):
    return redirect("carte")


def map_page(request):
    territoire = principal_territoire()
    layers = registered_layers(request)
    fmap = build_map(layers, view=map_view(), attribution_extra=territoire.attribution if territoire else "")
    public = not request.user.is_authenticated
    css, js = layer_assets(layers)
    return render(request, "carte/carte.html", {
        "titre": "Carte publique du renouvellement urbain" if public else "Carte du quartier",
        "public": public,
        "territoire": territoire,
        "extra_css": css,
        "extra_js": [*js, "js/carte-filtres.js"],
        "filtres": panel_filters(request),
        "legende": legend(layers),
        "exports": [
            (layer.config["name"], layer.config["key"], export_urls(layer.config["export"]))
            for layer in layers if layer.config.get("export")
        ],
        **render_parts(fmap),
    })


def layer_assets(layers):
    """The map plug-ins the given layers need (clusters, density), each once."""
    css, js = [], []
    for layer in layers:
        for path in layer.assets_css:
            if path not in css:
                css.append(path)
        for path in layer.assets_js:
            if path not in js:
                js.append(path)
    return css, js


# --- Downloaded map ---------------------------------------------------------------------

def layer_url(config, panel):
    """The layer's API URL with the panel's filters mapped to its own parameters."""
    parts = urlsplit(config["url"])
    query = QueryDict(parts.query, mutable=True)
    for panel_key, param in (config.get("filters") or {}).items():
        value = panel.get(panel_key)
        if value:
            query[param] = value
    query.setdefault("page_size", "1000")
    return f"{parts.path}?{query.urlencode()}"


def _internal_get(request, url):
    """Call one of our own API views as this user, without a network round trip."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    sub = HttpRequest()
    sub.method = "GET"
    sub.path = sub.path_info = parts.path
    sub.GET = QueryDict(parts.query)
    sub.META = {**request.META, "QUERY_STRING": parts.query, "REQUEST_METHOD": "GET",
                "PATH_INFO": parts.path, "HTTP_ACCEPT": "application/json"}
    sub.user = request.user
    sub.session = getattr(request, "session", None)
    response = match.func(sub, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200:
        return None
    return json.loads(response.content)


def fetch_features(request, url, limit=None):
    """(features, capped): the features of a keyset-paginated GeoJSON list, following
    `next`, at most `limit` (the list's order: the most recent reports first); `capped`
    says that more were left out. (None, False) when the layer is unavailable."""
    features = []
    for _ in range(MAX_DOWNLOAD_PAGES):
        data = _internal_get(request, url)
        if data is None:
            return (None, False) if not features else (features, False)
        features.extend(data.get("features") or [])
        if not data.get("next"):
            return features, False
        if limit is not None and len(features) >= limit:
            return features[:limit], True
        nxt = urlsplit(data["next"])
        url = f"{nxt.path}?{nxt.query}"
    return features, True


def panel_names(request):
    return PERIOD + [f.name for f in panel_filters(request)]


@require_GET
def map_download(request):
    """The map as one HTML file for a meeting: data embedded, scripts inlined."""
    panel = {k: request.GET[k] for k in panel_names(request) if request.GET.get(k)}
    layers = registered_layers(request)
    site = request.build_absolute_uri("/").rstrip("/")
    missing, capped = [], []
    for layer in layers:
        config = layer.config
        config.pop("tiles", None)  # the file has no server to ask tiles of
        if config.get("source"):
            continue  # reuses another layer's features in the browser
        limit = config.get("download_max")
        features, cut = fetch_features(request, layer_url(config, panel), limit)
        if features is None:
            missing.append(config["name"])
            features = []
        if cut:
            capped.append(f"{config['name']} : les {len(features):,} plus récents".replace(",", " "))
        config["data"] = features
        # Links in the file lead back to this site.
        config["base_url"] = site
        if config.get("detail", "").startswith("/"):
            config["detail"] = site + config["detail"]
    territoire = principal_territoire()
    now = timezone.localtime()
    lines = [
        f"Carte du quartier {territoire.nom if territoire else ''}".strip(),
        f"Extraite le {now:%d/%m/%Y à %H:%M}" + (" — carte publique" if not request.user.is_authenticated else ""),
    ]
    if panel:
        lines.append("Filtres : " + ", ".join(f"{k} = {v}" for k, v in panel.items()))
    if territoire and territoire.demonstration:
        lines.append("Données de démonstration (périmètre et chantiers non officiels).")
    if missing:
        lines.append("Couches indisponibles : " + ", ".join(missing))
    if capped:
        lines.append("Carte plafonnée — " + " ; ".join(capped) + " (filtrez pour une période plus courte).")
    html = standalone_html(layers, lines, legend=legend(layers), view=map_view(),
                           attribution_extra=territoire.attribution if territoire else "")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="carte-quartier-{now:%Y-%m-%d}.html"'
    response["Cache-Control"] = "private, no-store"
    return response
