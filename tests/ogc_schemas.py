"""JSON Schemas of the OGC API – Features Part 1 documents (landing page, conformance,
collections, GeoJSON feature collection and feature), written for these tests from the
standard's normative OpenAPI schema components (OGC 17-069r4, Annex B) so that a test
can check every answer without the network. The standard's own YAML files are not
shipped by any package reachable here."""

LINK = {
    "type": "object",
    "required": ["href"],
    "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "hreflang": {"type": "string"}, "title": {"type": "string"}, "length": {"type": "integer"},
    },
}
LINKS = {"type": "array", "items": LINK}

LANDING_PAGE = {
    "type": "object",
    "required": ["links"],
    "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": LINKS},
}

CONF_CLASSES = {
    "type": "object",
    "required": ["conformsTo"],
    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
}

EXTENT = {
    "type": "object",
    "properties": {
        "spatial": {"type": "object", "properties": {
            "bbox": {"type": "array", "minItems": 1, "items": {
                "type": "array", "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
                "items": {"type": "number"}}},
            "crs": {"type": "string", "enum": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]}}},
        "temporal": {"type": "object", "properties": {
            "interval": {"type": "array", "minItems": 1, "items": {
                "type": "array", "minItems": 2, "maxItems": 2,
                "items": {"type": ["string", "null"], "format": "date-time"}}},
            "trs": {"type": "string"}}},
    },
}

COLLECTION = {
    "type": "object",
    "required": ["id", "links"],
    "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "links": LINKS, "extent": EXTENT, "itemType": {"type": "string"},
        "crs": {"type": "array", "items": {"type": "string"}},
        # Part 2
        "storageCrs": {"type": "string", "format": "uri"},
    },
}

COLLECTIONS = {
    "type": "object",
    "required": ["links", "collections"],
    "properties": {"links": LINKS, "collections": {"type": "array", "items": COLLECTION}},
}

POSITION = {"type": "array", "minItems": 2, "items": {"type": "number"}}
RING = {"type": "array", "minItems": 4, "items": POSITION}


def _geometry(kind, coordinates):
    return {"type": "object", "required": ["type", "coordinates"], "properties": {
        "type": {"type": "string", "enum": [kind]}, "coordinates": coordinates}}


GEOMETRY = {"oneOf": [
    _geometry("Point", POSITION),
    _geometry("MultiPoint", {"type": "array", "items": POSITION}),
    _geometry("LineString", {"type": "array", "minItems": 2, "items": POSITION}),
    _geometry("MultiLineString", {"type": "array", "items": {"type": "array", "minItems": 2, "items": POSITION}}),
    _geometry("Polygon", {"type": "array", "items": RING}),
    _geometry("MultiPolygon", {"type": "array", "items": {"type": "array", "items": RING}}),
]}

FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "geometry": {"oneOf": [{"type": "null"}, GEOMETRY]},
        "properties": {"type": ["object", "null"]},
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "links": LINKS,
    },
}

FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": FEATURE},
        "links": LINKS,
        "timeStamp": {"type": "string", "format": "date-time"},
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0},
    },
}

EXCEPTION = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
}
