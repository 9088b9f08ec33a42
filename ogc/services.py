"""OGC API – Features over the export registry: each registered export layer is a
collection, read with the layer's own visibility (`queryset(request)`), filter set,
columns and geometry. No domain app is named here.

Item pages are built in PostGIS, one query per page: attributes with `values_list`,
geometry reprojected, oriented and written by `ST_AsGeoJSON`. Pages follow the primary
key (keyset: `pk > last`), so page 10,000 of a million reports costs what page 1 costs;
`numberMatched` is given only when counting is cheap (at most COUNT_CAP rows).
"""

import base64
import binascii
import json
import math
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from commun.exports import EXPORT_LAYERS, export_geometry
from commun.filters import MAX_YEAR, MIN_YEAR

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_2154 = "http://www.opengis.net/def/crs/EPSG/0/2154"
# The CRSs offered (Part 2): SRID, axis order (lon/lat or east/north, both x first) and
# the decimals that make about 1 cm.
CRSS = {CRS84: (4326, 7), EPSG_2154: (2154, 2)}
CRS_ALIASES = {"EPSG:2154": EPSG_2154, "CRS84": CRS84, "OGC:CRS84": CRS84,
               "[EPSG:2154]": EPSG_2154, "[OGC:CRS84]": CRS84}
STORAGE_CRS = f"http://www.opengis.net/def/crs/EPSG/0/{settings.STORAGE_SRID}"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10000
COUNT_CAP = 10000
JSON_TYPES = {"integer": {"type": "integer"}, "real": {"type": "number"}, "boolean": {"type": "boolean"},
              "date": {"type": "string", "format": "date"}, "datetime": {"type": "string", "format": "date-time"},
              "string": {"type": "string"}}


class RequeteInvalide(ValueError):
    """A parameter the service cannot take: 400, the message is for the person."""

    def __init__(self, message, code="InvalidParameterValue"):
        super().__init__(message)
        self.code = code


class Introuvable(LookupError):
    """An unknown collection or feature: 404."""


class ConnexionRequise(PermissionError):
    """A collection for signed-in users only: 401."""


def visible_layers(request):
    """The registered layers this person may list (protected ones once signed in)."""
    signed_in = bool(request.user and request.user.is_authenticated)
    return [layer for layer in EXPORT_LAYERS.values() if signed_in or not layer.login_required]


def get_layer(request, key):
    layer = EXPORT_LAYERS.get(key)
    if layer is None:
        raise Introuvable(f"Collection inconnue : « {key[:40]} ». Collections : {', '.join(sorted(EXPORT_LAYERS))}.")
    if layer.login_required and not (request.user and request.user.is_authenticated):
        raise ConnexionRequise(
            f"La collection « {key} » est réservée aux comptes connectés : envoyez l'en-tête "
            "« Authorization: Token <jeton> » (jeton obtenu par POST /api/v1/auth/token/).")
    return layer


def extent(request, layer):
    """The layer's WGS84 extent: declared by the layer, or measured by PostGIS."""
    if layer.extent is not None:
        return layer.extent(request)
    spec = layer.spec_for(request)
    box = layer.queryset(request).aggregate(e=Extent(Transform(spec.geom_field, settings.API_SRID)))["e"]
    return tuple(round(v, 7) for v in box) if box else None


# --- Parameters ------------------------------------------------------------------------

def parse_crs(raw, name="crs"):
    if not raw:
        return CRS84
    value = CRS_ALIASES.get(raw.strip(), raw.strip())
    if value not in CRSS:
        raise RequeteInvalide(f"Système de coordonnées « {raw[:80]} » non proposé pour « {name} » : "
                              f"choisissez {CRS84} (WGS84 longitude, latitude) ou {EPSG_2154} (Lambert-93).")
    return value


def parse_limit(raw):
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise RequeteInvalide(f"« limit » attend un entier entre 1 et {MAX_LIMIT}.") from None
    if limit < 1:
        raise RequeteInvalide(f"« limit » attend un entier entre 1 et {MAX_LIMIT}.")
    return min(limit, MAX_LIMIT)  # the standard lets a server cap the page


def parse_bbox(raw, crs):
    """`minx,miny,maxx,maxy` (or 6 numbers with heights) in `crs` → a Polygon tagged with its SRID."""
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise RequeteInvalide("« bbox » attend 4 nombres : minLon,minLat,maxLon,maxLat (ou 6 avec les hauteurs).")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise RequeteInvalide("« bbox » attend des nombres décimaux séparés par des virgules.") from None
    if not all(math.isfinite(n) for n in numbers):
        raise RequeteInvalide("« bbox » contient une valeur non finie.")
    minx, miny, maxx, maxy = numbers if len(numbers) == 4 else (numbers[0], numbers[1], numbers[3], numbers[4])
    srid, _ = CRSS[crs]
    if srid == 4326 and not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise RequeteInvalide("« bbox » hors du globe : l'ordre attendu est minLon,minLat,maxLon,maxLat (WGS84), "
                              "ou précisez « bbox-crs ».")
    if minx >= maxx or miny >= maxy:
        raise RequeteInvalide("« bbox » vide : le minimum doit être inférieur au maximum.")
    polygon = Polygon.from_bbox((minx, miny, maxx, maxy))
    polygon.srid = srid
    return polygon


def _instant(raw, is_end):
    """An ISO 8601 date (the whole local day) or date-time → aware datetime; None for `..`."""
    raw = raw.strip()
    if raw in ("", ".."):
        return None
    try:
        parsed = parse_date(raw) if len(raw) == 10 else parse_datetime(raw)
    except ValueError:
        parsed = None
    if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise RequeteInvalide(f"« datetime » illisible : « {raw[:40]} ». Attendu une date ou une date-heure "
                              "ISO 8601 (2026-11-25, 2026-11-25T14:30:00Z) ou un intervalle début/fin, "
                              "« .. » pour un bout ouvert.")
    if not isinstance(parsed, datetime):
        day = datetime.combine(parsed, time.min, tzinfo=timezone.get_current_timezone())
        return day + timedelta(days=1) - timedelta(microseconds=1) if is_end else day
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def parse_datetime_param(raw):
    """OGC `datetime`: an instant or an interval `start/end` (`..` open) → (start, end)."""
    if "/" in raw:
        start_raw, _, end_raw = raw.partition("/")
        start, end = _instant(start_raw, False), _instant(end_raw, True)
        if start and end and start > end:
            raise RequeteInvalide("« datetime » : le début de l'intervalle est après sa fin.")
        return start, end
    if raw.strip() == "..":
        raise RequeteInvalide("« datetime » : « .. » seul n'est pas un instant.")
    return _instant(raw, False), _instant(raw, True)


def filter_temporal(queryset, temporal, start, end):
    """Features whose date (or period) meets [start, end]; none without a date."""
    if temporal is None:
        raise RequeteInvalide("Cette collection n'a pas de date : « datetime » ne s'applique pas.")
    bounds = {}
    if temporal.dates:
        start = timezone.localtime(start).date() if start else None
        end = timezone.localtime(end).date() if end else None
    qs = queryset.annotate(_ogc_start=temporal.start).filter(_ogc_start__isnull=False)
    if temporal.end is None:
        if start:
            bounds["_ogc_start__gte"] = start
        if end:
            bounds["_ogc_start__lte"] = end
        return qs.filter(**bounds)
    qs = qs.annotate(_ogc_end=temporal.end)
    if end:
        qs = qs.filter(_ogc_start__lte=end)
    if start:
        qs = qs.filter(Q(_ogc_end__gte=start) | Q(_ogc_end__isnull=True))  # still under way
    return qs


# --- Cursor ----------------------------------------------------------------------------

def encode_cursor(pk):
    return base64.urlsafe_b64encode(json.dumps({"apres": pk}).encode()).decode().rstrip("=")


def decode_cursor(raw):
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        pk = data["apres"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise RequeteInvalide("« curseur » illisible : suivez le lien « next » de la page précédente.") from None
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise RequeteInvalide("« curseur » illisible : suivez le lien « next » de la page précédente.")
    return pk


# --- Features --------------------------------------------------------------------------

@dataclass
class Page:
    features: list
    next_cursor: str | None
    number_matched: int | None


def filtered(request, layer, params):
    """The layer's queryset narrowed by the queryables, `bbox` and `datetime`."""
    queryset = layer.queryset(request)
    spec = layer.spec_for(request)
    wanted = {name: params[name] for name in layer.queryables if params.get(name) not in (None, "")}
    if wanted and layer.filterset_class is not None:
        filterset = layer.filterset_class(wanted, queryset=queryset, request=request)
        if not filterset.is_valid():
            name, messages = next(iter(filterset.errors.items()))
            raise RequeteInvalide(f"« {name} » : {' '.join(str(m) for m in messages)}")
        queryset = filterset.qs
    if params.get("bbox"):
        polygon = parse_bbox(params["bbox"], parse_crs(params.get("bbox-crs"), "bbox-crs"))
        queryset = queryset.filter(**{f"{spec.bbox_field}__intersects": polygon})
    if params.get("datetime"):
        start, end = parse_datetime_param(params["datetime"])
        queryset = filter_temporal(queryset, layer.temporal, start, end)
    return queryset


def feature_rows(queryset, spec, crs):
    """(pk, id, properties, geometry JSON text) rows, geometry written by PostGIS."""
    srid, decimals = CRSS[crs]
    geometry = AsGeoJSON(export_geometry(spec, srid), precision=decimals)
    lookups = [c.lookup for c in spec.columns]
    header = spec.header()
    id_index = [c.name for c in spec.columns].index(spec.id_column)
    for values in queryset.annotate(_ogc_geojson=geometry).values_list("pk", *lookups, "_ogc_geojson"):
        row = spec.row(values[1:-1])
        properties = dict(zip(header, row, strict=True))
        yield values[0], _plain_id(values[1 + id_index]), properties, values[-1]


def _plain_id(value):
    return str(value) if isinstance(value, uuidlib.UUID) else value


def feature(fid, properties, geometry_text):
    return {"type": "Feature", "id": fid, "geometry": json.loads(geometry_text) if geometry_text else None,
            "properties": properties}


def items_page(request, layer, params, crs, limit):
    queryset = filtered(request, layer, params)
    number_matched = None
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    if counted <= COUNT_CAP:
        number_matched = counted
    if params.get("curseur"):
        queryset = queryset.filter(pk__gt=decode_cursor(params["curseur"]))
    rows = list(feature_rows(queryset.order_by("pk")[: limit + 1], layer.spec_for(request), crs))
    next_cursor = encode_cursor(rows[limit - 1][0]) if len(rows) > limit else None
    features = [feature(fid, props, geom) for _pk, fid, props, geom in rows[:limit]]
    return Page(features, next_cursor, number_matched)


def one_feature(request, layer, feature_id, crs):
    spec = layer.spec_for(request)
    column = next(c for c in spec.columns if c.name == spec.id_column)
    unknown = f"Objet introuvable : « {feature_id[:40]} » n'est pas un identifiant de cette collection."
    if column.type == "integer":
        if not feature_id.isdigit() or len(feature_id) > 18:
            raise Introuvable(unknown)
        value = int(feature_id)
    else:
        try:
            value = uuidlib.UUID(feature_id)
        except ValueError:
            raise Introuvable(unknown) from None
    queryset = layer.queryset(request).filter(**{column.lookup: value})
    rows = list(feature_rows(queryset[:1], spec, crs))
    if not rows:
        raise Introuvable("Objet introuvable, ou que votre compte ne peut pas voir.")
    _pk, fid, props, geom = rows[0]
    return feature(fid, props, geom)


def queryables_schema(request, layer, url):
    """The collection's queryables as JSON Schema (OGC API – Features Part 3)."""
    spec = layer.spec_for(request)
    columns = {c.name: c for c in spec.columns}
    properties = {}
    for name in layer.queryables:
        column = columns.get(name)
        schema = dict(JSON_TYPES[column.type] if column else {"type": "string"})
        schema["title"] = name
        if column and column.choices:
            schema["enum"] = [str(k) for k in column.choices]
        properties[name] = schema
    if layer.temporal is not None:
        properties["datetime"] = {"type": "string", "format": "date-time",
                                  "title": "Date ou période (paramètre « datetime »)"}
    properties["geometry"] = {"format": "geometry-any", "title": "Géométrie (paramètre « bbox »)"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": url, "type": "object",
            "title": layer.label, "properties": properties, "additionalProperties": False}
