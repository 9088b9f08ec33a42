"""The OpenAPI 3.0 definition of the OGC service (`/ogc/api`), built from the collections
this person may see: one items path per collection, with its queryables as parameters
(GDAL reads them to send attribute filters to the server)."""

from .services import CRSS, DEFAULT_LIMIT, JSON_TYPES, MAX_LIMIT

GEOJSON = "application/geo+json"


def _param(name, description, schema, style=None):
    param = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if style:
        param.update(style=style, explode=False)
    return param


FORMAT = _param("f", "Format de la réponse.", {"type": "string", "enum": ["json", "html"]})
COMMON = [
    _param("limit", f"Nombre d'objets par page (1 à {MAX_LIMIT}).",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    _param("bbox", "Emprise minx,miny,maxx,maxy (dans « bbox-crs », WGS84 par défaut).",
           {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}, style="form"),
    _param("bbox-crs", "Système de coordonnées de « bbox ».", {"type": "string", "format": "uri",
                                                                "enum": list(CRSS)}),
    _param("crs", "Système de coordonnées de la réponse.", {"type": "string", "format": "uri", "enum": list(CRSS)}),
    _param("datetime", "Date, date-heure ou intervalle ISO 8601 (début/fin, « .. » pour un bout ouvert).",
           {"type": "string"}),
    _param("curseur", "Position dans la liste : suivez le lien « next ».", {"type": "string"}),
    FORMAT,
]
ERROR = {"description": "Erreur",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}}
FEATURES = {"type": "object", "required": ["type", "features"], "properties": {
    "type": {"type": "string", "enum": ["FeatureCollection"]},
    "features": {"type": "array", "items": {"$ref": "#/components/schemas/feature"}},
    "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
    "timeStamp": {"type": "string", "format": "date-time"},
    "numberMatched": {"type": "integer", "minimum": 0},
    "numberReturned": {"type": "integer", "minimum": 0}}}


def _ok(description, content_type, schema):
    return {"description": description, "content": {content_type: {"schema": schema},
                                                    "text/html": {"schema": {"type": "string"}}}}


def _get(summary, operation_id, parameters, response, protected):
    operation = {"summary": summary, "operationId": operation_id, "parameters": parameters,
                 "responses": {"200": response, "400": ERROR, "404": ERROR}}
    if protected:
        operation["security"] = [{"jeton": []}]
        operation["responses"]["401"] = ERROR
    return {"get": operation}


def _feature_schema(request, layer):
    properties = {}
    for column in layer.spec_for(request).columns:
        properties[column.name] = {**JSON_TYPES[column.type], "nullable": True}
    return {"allOf": [{"$ref": "#/components/schemas/feature"},
                      {"type": "object", "properties": {"properties": {"type": "object", "properties": properties}}}]}


def document(request, layers):
    base = request.build_absolute_uri("/ogc")
    paths = {
        "/": _get("Page d'accueil", "getLandingPage", [FORMAT], _ok("Liens du service", "application/json",
                                                                        {"type": "object"}), False),
        "/conformance": _get("Classes de conformité", "getConformance", [FORMAT],
                             _ok("Classes", "application/json", {"type": "object"}), False),
        "/collections": _get("Collections", "getCollections", [FORMAT],
                             _ok("Collections", "application/json", {"type": "object"}), False),
    }
    schemas = {
        "exception": {"type": "object", "required": ["code"],
                      "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
        "link": {"type": "object", "required": ["href"], "properties": {
            "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
            "title": {"type": "string"}}},
        "feature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True}}},
    }
    for layer in layers:
        key = layer.key
        protected = layer.login_required
        columns = {c.name: c for c in layer.spec_for(request).columns}
        filters = []
        for name in layer.queryables:
            column = columns.get(name)
            schema = dict(JSON_TYPES[column.type] if column else {"type": "string"})
            if column and column.choices:
                schema = {"type": "string", "enum": [str(k) for k in column.choices]}
            filters.append(_param(name, f"Filtre sur la propriété « {name} ».", schema))
        schemas[f"{key}_feature"] = _feature_schema(request, layer)
        paths[f"/collections/{key}"] = _get(layer.label, f"describe_{key}", [FORMAT],
                                            _ok("Description", "application/json", {"type": "object"}), protected)
        paths[f"/collections/{key}/items"] = _get(
            f"{layer.label} : objets", f"get_{key}_features", COMMON + filters,
            _ok("Objets", GEOJSON, {"allOf": [{"type": "object", **FEATURES},
                                               {"type": "object", "properties": {"features": {
                                                   "type": "array",
                                                   "items": {"$ref": f"#/components/schemas/{key}_feature"}}}}]}),
            protected)
        paths[f"/collections/{key}/items/{{featureId}}"] = _get(
            f"{layer.label} : un objet", f"get_{key}_feature",
            [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
             _param("crs", "Système de coordonnées de la réponse.", {"type": "string", "enum": list(CRSS)}), FORMAT],
            _ok("Un objet", GEOJSON, {"$ref": f"#/components/schemas/{key}_feature"}), protected)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Quartier — OGC API Features", "version": "1.0.0",
                 "description": "Couches du quartier prioritaire en OGC API – Features (Part 1 et Part 2 : CRS)."},
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"jeton": {
                "type": "apiKey", "in": "header", "name": "Authorization",
                "description": "« Token <jeton> », jeton obtenu par POST /api/v1/auth/token/."}},
        },
    }
