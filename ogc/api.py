"""OGC API – Features endpoints: JSON for clients (QGIS, GDAL, OWSLib), HTML for people.

`f=json|html` chooses the format, otherwise the Accept header (a browser gets HTML).
Errors are the standard's exception `{"code", "description"}` with a French description.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from commun.permissions import authenticate_client

from . import openapi, services
from .services import CRS84, CRSS, STORAGE_CRS

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
COMMON_PARAMS = {"f"}
ITEMS_PARAMS = {"f", "limit", "bbox", "bbox-crs", "datetime", "crs", "curseur"}


def ogc_error(status, code, description):
    response = JsonResponse({"code": code, "description": description}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def endpoint(allowed=COMMON_PARAMS):
    """Authenticate (token or session), refuse unknown parameters, map errors to 4xx."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                authenticate_client(request)
            except AuthenticationFailed as exc:
                return ogc_error(401, "InvalidToken", f"Jeton refusé : {exc.detail}")
            names = set(allowed)
            if "collection_id" in kwargs and allowed is ITEMS_PARAMS:
                layer = services.EXPORT_LAYERS.get(kwargs["collection_id"])
                names |= set(layer.queryables) if layer else set()
            unknown = sorted(set(request.GET) - names)
            if unknown:
                return ogc_error(400, "InvalidParameterValue",
                                 f"Paramètre inconnu : {', '.join(unknown)[:80]}. Paramètres acceptés : "
                                 f"{', '.join(sorted(names))}.")
            if request.GET.get("f", "json") not in ("json", "html"):
                return ogc_error(400, "InvalidParameterValue", "« f » attend json ou html.")
            try:
                return view(request, *args, **kwargs)
            except services.RequeteInvalide as exc:
                return ogc_error(400, exc.code, str(exc))
            except services.Introuvable as exc:
                return ogc_error(404, "NotFound", str(exc))
            except services.ConnexionRequise as exc:
                return ogc_error(401, "NotAuthenticated", str(exc))

        return wrapped

    return decorator


def wants_html(request):
    fmt = request.GET.get("f")
    if fmt:
        return fmt == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept.split("text/html")[0]


def url(request, path, **params):
    query = urlencode({k: v for k, v in params.items() if v is not None}, safe=",/:")
    return request.build_absolute_uri(f"/ogc{path}") + (f"?{query}" if query else "")


def link(href, rel, type_, title):
    return {"href": href, "rel": rel, "type": type_, "title": title}


def self_links(request, path, json_type=JSON, **params):
    """`self` and `alternate` for the format answered and the other one."""
    html = wants_html(request)
    as_json = link(url(request, path, f="json", **params), "alternate" if html else "self", json_type,
                   "Ce document en JSON")
    as_html = link(url(request, path, f="html", **params), "self" if html else "alternate", HTML,
                   "Ce document en HTML")
    return [as_json, as_html] if not html else [as_html, as_json]


def answer(request, data, template, content_type=JSON, context=None, headers=None):
    if wants_html(request):
        response = render(request, f"ogc/{template}", {"data": data, **(context or {})})
    else:
        response = JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    response["Vary"] = "Accept, Authorization, Cookie"
    return response


@endpoint()
def landing(request):
    data = {
        "title": "Quartier — OGC API Features",
        "description": "Couches du quartier prioritaire (périmètres, secteurs, équipements, chantiers, friches, "
                       "propositions, marches exploratoires et, une fois connecté, signalements) pour QGIS et GDAL.",
        "links": [
            *self_links(request, "/"),
            link(url(request, "/api"), "service-desc", OPENAPI, "Définition OpenAPI 3.0 du service"),
            link(request.build_absolute_uri("/api/v1/schema/redoc/"), "service-doc", HTML,
                 "Documentation de l'API REST"),
            link(url(request, "/conformance"), "conformance", JSON, "Classes de conformité"),
            link(url(request, "/collections"), "data", JSON, "Collections"),
        ],
    }
    return answer(request, data, "landing.html")


@endpoint()
def conformance(request):
    return answer(request, {"conformsTo": CONFORMANCE}, "conformance.html")


@endpoint()
def api_definition(request):
    document = openapi.document(request, services.visible_layers(request))
    response = JsonResponse(document, content_type=OPENAPI, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Authorization, Cookie"
    return response


def collection_info(request, layer):
    key = layer.key
    box = services.extent(request, layer)
    info = {
        "id": key,
        "title": layer.label,
        "description": layer.description or layer.label,
        "itemType": "feature",
        "crs": list(CRSS),
        "storageCrs": STORAGE_CRS,
        "links": [
            link(url(request, f"/collections/{key}", f="json"), "self", JSON, layer.label),
            link(url(request, f"/collections/{key}", f="html"), "alternate", HTML, layer.label),
            link(url(request, f"/collections/{key}/items", f="json"), "items", GEOJSON, "Objets en GeoJSON"),
            link(url(request, f"/collections/{key}/items", f="html"), "items", HTML, "Objets en HTML"),
            link(url(request, f"/collections/{key}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                 "application/schema+json", "Propriétés filtrables"),
        ],
    }
    if box:
        info["extent"] = {"spatial": {"bbox": [list(box)], "crs": CRS84}}
    return info


@endpoint()
def collections(request):
    layers = services.visible_layers(request)
    data = {"links": self_links(request, "/collections"),
            "collections": [collection_info(request, layer) for layer in layers]}
    return answer(request, data, "collections.html")


@endpoint()
def collection(request, collection_id):
    layer = services.get_layer(request, collection_id)
    return answer(request, collection_info(request, layer), "collection.html")


@endpoint()
def queryables(request, collection_id):
    layer = services.get_layer(request, collection_id)
    schema = services.queryables_schema(request, layer, url(request, f"/collections/{collection_id}/queryables"))
    return answer(request, schema, "queryables.html", content_type="application/schema+json",
                  context={"layer": layer})


@endpoint(ITEMS_PARAMS)
def items(request, collection_id):
    layer = services.get_layer(request, collection_id)
    crs = services.parse_crs(request.GET.get("crs"))
    limit = services.parse_limit(request.GET.get("limit"))
    page = services.items_page(request, layer, request.GET, crs, limit)
    kept = {k: v for k, v in request.GET.items() if k not in ("f", "curseur")}
    path = f"/collections/{collection_id}/items"
    links = self_links(request, path, GEOJSON, **kept, curseur=request.GET.get("curseur"))
    if page.next_cursor:
        fmt = "html" if wants_html(request) else "json"
        links.append(link(url(request, path, f=fmt, **kept, curseur=page.next_cursor), "next",
                          HTML if fmt == "html" else GEOJSON, "Page suivante"))
    links.append(link(url(request, f"/collections/{collection_id}"), "collection", JSON, layer.label))
    data = {"type": "FeatureCollection", "features": page.features, "links": links,
            "timeStamp": timezone.now().isoformat(timespec="seconds"), "numberReturned": len(page.features)}
    if page.number_matched is not None:
        data["numberMatched"] = page.number_matched
    columns = layer.spec_for(request).header()
    return answer(request, data, "items.html", GEOJSON, context={"layer": layer, "columns": columns},
                  headers={"Content-Crs": f"<{crs}>"})


@endpoint({"f", "crs"})
def item(request, collection_id, feature_id):
    layer = services.get_layer(request, collection_id)
    crs = services.parse_crs(request.GET.get("crs"))
    data = services.one_feature(request, layer, feature_id, crs)
    path = f"/collections/{collection_id}/items/{feature_id}"
    data["links"] = [*self_links(request, path, GEOJSON),
                     link(url(request, f"/collections/{collection_id}"), "collection", JSON, layer.label)]
    return answer(request, data, "item.html", GEOJSON, context={"layer": layer},
                  headers={"Content-Crs": f"<{crs}>"})

