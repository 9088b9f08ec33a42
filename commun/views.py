"""The map pages (`/carte/` and its downloadable copy) and layer exports.

Which layers a user gets is decided here, once: the public map (programme, facilities,
resolved reports per sector) for anonymous visitors, the planners' layers for signed-in
professionals. Reports always go through `visible_signalements`.
"""

import json
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from territoire.models import Equipement, Secteur, Territoire

from . import roles
from .api import BBoxFilter, json_error
from .carte import ApiLayer, build_map, registered_layers, render_parts, standalone_html
from .exports import (
    EXPORT_LAYERS,
    FORMATS,
    Column,
    ExportIndisponible,
    ExportLayer,
    ExportSpec,
    export_response,
    export_urls,
    register_export,
)

SIGNALEMENTS_API = "/api/v1/signalements/"
SECTEURS_RESOLUS_API = "/api/v1/indicateurs/secteurs-resolus/"
PERIOD = {"depuis": "depuis", "jusqua": "jusqua"}
# Filters of the panel, as the page's form names them.
PANEL_FILTERS = ["depuis", "jusqua", "type", "statut", "categorie", "statut_signalement"]
MAX_DOWNLOAD_PAGES = 50


def accueil(request):
    return redirect("carte")


def base_layers(request=None):
    """Territory, sectors and facilities: the layers every map starts with."""
    return [
        ApiLayer("Périmètre du QPV", "territoires", reverse("territoire-list"), "territoire",
                 fit=True, title="nom", fields=[["attribution", "Source"]], export="territoires"),
        ApiLayer("Secteurs GUSP", "secteurs", reverse("secteur-list"), "secteur",
                 tooltip="nom", export="secteurs"),
        ApiLayer("Équipements", "equipements", reverse("equipement-list"), "equipement",
                 fields=[["type", "Type"], ["adresse", "Adresse"]], export="equipements"),
    ]


def resolved_layer(show):
    """Per sector, the reports resolved in the last 12 months: a public figure, no report."""
    return ApiLayer(
        "Signalements résolus (12 mois)", "secteurs_resolus", SECTEURS_RESOLUS_API, "resolus",
        show=show, title="nom", fields=[["resolus_12_mois", "Signalements résolus en 12 mois"]],
        tooltip_template="{nom} : {resolus_12_mois} résolus", tooltip_permanent=True,
    )


def report_layers(request):
    """Reports, clustered, and their density: only for professionals, only what they may see
    (the reports API applies `visible_signalements`)."""
    if not roles.is_staff_member(request.user):
        return []
    url = f"{SIGNALEMENTS_API}?page_size=5000"
    filters = {**PERIOD, "categorie": "categorie", "statut_signalement": "statut"}
    return [
        ApiLayer("Signalements", "signalements", url, "signalement", cluster=True,
                 title="categorie_nom|categorie", detail="/signalements/{uuid}/",
                 fields=[["statut_libelle|statut", "Statut"], ["secteur_nom|secteur", "Secteur"],
                         ["cree_le", "Reçu le"]],
                 filters=filters, export="signalements"),
        ApiLayer("Densité des signalements", "chaleur", url, "signalement", show=False,
                 heat=True, source="signalements", filters=filters),
    ]


def layers_for(request):
    public = not request.user.is_authenticated
    return [
        *base_layers(request),
        resolved_layer(show=public),
        *registered_layers(request),
        *report_layers(request),
    ]


def _categories(user):
    try:
        from signalements.models import Categorie
    except ImportError:  # pragma: no cover - the reports app is always installed
        return []
    qs = Categorie.objects.filter(actif=True).select_related("parent")
    if not roles.sees_sensitive(user):
        qs = qs.exclude(sensible=True).exclude(parent__sensible=True)
    return [(c.slug, str(c)) for c in qs]


def _panel_context(request, layers):
    from chantiers.carte import legend
    from chantiers.models import Statut, Type

    staff = roles.is_staff_member(request.user)
    context = {
        "types": [(t.value, t.label) for t in Type if t != Type.FRICHE],
        "statuts": [(s.value, s.label) for s in Statut],
        "legende": legend(),
        "exports": [
            (layer.config["name"], layer.config["key"], export_urls(layer.config["export"]))
            for layer in layers if layer.config.get("export")
        ],
    }
    if staff:
        from signalements.models import Statut as StatutSignalement

        context["categories"] = _categories(request.user)
        context["statuts_signalement"] = list(StatutSignalement.choices)
    return context


def carte(request):
    territoire = Territoire.objects.order_by("id").first()
    extra = territoire.attribution if territoire else ""
    layers = layers_for(request)
    fmap = build_map(layers, attribution_extra=extra)
    public = not request.user.is_authenticated
    context = {
        "titre": "Carte publique du renouvellement urbain" if public else "Carte du quartier",
        "public": public,
        "territoire": territoire,
        "extra_css": ["vendor/leaflet.markercluster/dist/MarkerCluster.css",
                      "vendor/leaflet.markercluster/dist/MarkerCluster.Default.css"],
        "extra_js": ["vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
                     "vendor/leaflet.heat/dist/leaflet-heat.js", "js/carte-filtres.js"],
        **_panel_context(request, layers),
        **render_parts(fmap),
    }
    return render(request, "commun/carte.html", context)


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


def fetch_features(request, url):
    """Every feature of a paginated GeoJSON list (None when the layer is unavailable)."""
    features = []
    for _ in range(MAX_DOWNLOAD_PAGES):
        data = _internal_get(request, url)
        if data is None:
            return None if not features else features
        features.extend(data.get("features") or [])
        if not data.get("next"):
            break
        nxt = urlsplit(data["next"])
        url = f"{nxt.path}?{nxt.query}"
    return features


@require_GET
def carte_telecharger(request):
    """The map as one HTML file for a meeting: data embedded, scripts inlined."""
    from chantiers.carte import legend

    panel = {k: request.GET.get(k, "") for k in PANEL_FILTERS if request.GET.get(k)}
    layers = layers_for(request)
    site = request.build_absolute_uri("/").rstrip("/")
    missing = []
    for layer in layers:
        config = layer.config
        if config.get("source"):
            continue  # reuses another layer's features in the browser
        features = fetch_features(request, layer_url(config, panel))
        if features is None:
            missing.append(config["name"])
            features = []
        config["data"] = features
        # Links in the file lead back to this site.
        config["base_url"] = site
        if config.get("detail", "").startswith("/"):
            config["detail"] = site + config["detail"]
    territoire = Territoire.objects.order_by("id").first()
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
    html = standalone_html(layers, lines, legend=legend(),
                           attribution_extra=territoire.attribution if territoire else "")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="carte-quartier-{now:%Y-%m-%d}.html"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Exports ----------------------------------------------------------------------------

def export_layer_response(request, layer, fmt):
    """Filter the layer's queryset like its API (filters, bbox), then write the file."""
    if layer.login_required and not request.user.is_authenticated:
        raise exceptions.NotAuthenticated("Connectez-vous pour exporter cette couche.")
    spec = layer.spec_for(request)
    queryset = layer.queryset(request)
    if layer.filterset_class is not None:
        filterset = layer.filterset_class(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        queryset = filterset.qs
    bbox_view = type("BBoxTarget", (), {"bbox_filter_field": spec.bbox_field})()
    queryset = BBoxFilter().filter_queryset(request, queryset, bbox_view)
    try:
        return export_response(queryset, spec, fmt)
    except ExportIndisponible as exc:
        return json_error(503, str(exc))


class ExportView(APIView):
    """`GET /api/v1/exports/<couche>.<geojson|csv|gpkg>`: a layer as a file, with the
    layer's API filters and `bbox`; only what the user may see."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        description="Fichier GeoJSON (WGS84), CSV (séparateur `;`, WKT en WGS84) ou GeoPackage (EPSG:4326).",
    )
    def get(self, request, couche, fmt):
        layer = EXPORT_LAYERS.get(couche)
        if layer is None:
            raise exceptions.NotFound(
                f"Couche inconnue : « {couche[:40]} ». Couches disponibles : {', '.join(sorted(EXPORT_LAYERS))}."
            )
        if fmt not in FORMATS:
            raise exceptions.NotFound(f"Format inconnu : choisissez {', '.join(FORMATS)}.")
        return export_layer_response(request, layer, fmt)


def _signalements_queryset(request):
    from signalements.permissions import visible_signalements

    return visible_signalements(request.user)


def _signalement_filterset():
    from signalements.filters import SignalementFilter

    return SignalementFilter


def _register_core_exports():
    from signalements.models import Statut

    public = ExportSpec
    register_export(ExportLayer(
        "territoires", "Périmètres des QPV", lambda request: Territoire.objects.all(),
        public("territoires", [Column("id"), Column("code"), Column("nom"), Column("commune"),
                               Column("code_insee"), Column("demonstration"), Column("source")]),
    ))
    register_export(ExportLayer(
        "secteurs", "Secteurs GUSP", lambda request: Secteur.objects.all(),
        public("secteurs", [Column("id"), Column("nom"), Column("slug"),
                            Column("territoire", "territoire__code"), Column("demonstration")]),
    ))
    register_export(ExportLayer(
        "equipements", "Équipements", lambda request: Equipement.objects.all(),
        public("equipements", [Column("id"), Column("nom"), Column("type"), Column("adresse"),
                               Column("gestionnaire", "gestionnaire__slug"), Column("demonstration")]),
    ))
    # No author and no reporter's name: a file leaves the application.
    register_export(ExportLayer(
        "signalements", "Signalements", _signalements_queryset,
        ExportSpec("signalements", [
            Column("uuid"), Column("categorie", "categorie__slug"), Column("categorie_nom", "categorie__nom"),
            Column("statut", choices=dict(Statut.choices)), Column("sensible"),
            Column("secteur", "secteur__slug"), Column("acteur", "acteur__slug"),
            Column("description"), Column("source"), Column("observe_le"), Column("cree_le"),
            Column("resolu_le"),
        ]),
        filterset_class=_signalement_filterset(), login_required=True,
    ))


_register_core_exports()



def tableau_de_bord(request):
    """Indicators for a GUSP review or a comité de pilotage (pilots only)."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    from .tableau import dashboard

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles.is_pilote(request.user):
        raise PermissionDenied
    try:
        months = min(max(int(request.GET.get("mois", 12)), 1), 60)
    except ValueError:
        months = 12
    return render(request, "commun/tableau_de_bord.html", {"mois": months, **dashboard(months)})
