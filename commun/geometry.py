"""The one way a geometry enters the application, and the API's reprojection.

Every geometry a person or a file sends goes through `intake` (or `repair` for a file
already read by GDAL) before it reaches GEOS, the ORM or PostgreSQL:

1. the GeoJSON is read and its structure checked here, in Python: types, nesting, numbers
   (finite, in range, latitude and longitude not swapped), number of vertices;
2. shapely judges its validity; a repair is kept only when it keeps what was drawn
   (the surface changes by at most `max_area_change`), otherwise it is refused;
3. PostGIS measures the distance to the territory and reprojects to the storage SRID in
   one query; beyond the caller's tolerance the geometry is refused, saying how far.

Each caller states its own rules (`Rules`): a report is a point at most 50 m outside the
perimeter, a walk annotation may be a line or a zone 200 m away, a chantier may lie 2 km
away. Every refusal is a `GeometrieRefusee` whose message is for the person, in French.
"""

import json
import math
from dataclasses import dataclass, field

import shapely
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Distance, GeomOutputGeoFunc, Transform
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db.models import Case, F, Func, IntegerField, Value, When
from django.db.models.lookups import GreaterThanOrEqual

LABELS = {
    "Point": "un point", "LineString": "une ligne", "Polygon": "un polygone",
    "MultiPoint": "des points", "MultiLineString": "des lignes", "MultiPolygon": "des polygones",
}
# Depth of the coordinate arrays of each type (a position is depth 0).
DEPTHS = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}
# Swapping latitude and longitude lands this close to a territory: the client swapped them.
SWAP_HINT_M = 2000


class GeometrieRefusee(ValueError):
    """A geometry that cannot be taken; the message is for the person who sent it."""


@dataclass(frozen=True)
class Rules:
    """What a caller accepts. `max_outside_m=None` skips the distance check."""

    types: tuple = ("Point",)
    max_outside_m: float | None = 50
    max_vertices: int = 1000
    max_area_change: float = 0.01
    # No territory configured: refuse (reports must land somewhere) or let it through.
    require_territory: bool = True


@dataclass
class Taken:
    """A geometry that passed: `geom` in the storage SRID, as PostGIS reprojected it."""

    geom: GEOSGeometry
    wgs84: GEOSGeometry
    repaired: bool
    note: str
    territoire_id: int | None
    distance_m: float | None
    extra: dict = field(default_factory=dict)


def intake(value, rules, perimeters, annotations=None):
    """Check a client's GeoJSON geometry (or Feature, dict or text) in WGS84 → `Taken`.

    `perimeters` is the queryset of territories the geometry must be near (its model has
    a `geom` field and a readable `str()`). `annotations(point)` may add expressions
    evaluated in the same query, on the nearest perimeter (`Taken.extra`): what a caller
    needs to know about where the geometry lies (its sector…) costs no extra query.
    """
    shape = read_geojson(value, rules)
    shape, note = repair(shape, rules.max_area_change, single=_single_only(rules))
    wgs84 = GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=settings.API_SRID)
    territoire_id, metres, stored, extra = locate(wgs84, perimeters, annotations)
    if territoire_id is None:
        if rules.require_territory:
            raise GeometrieRefusee("Aucun territoire n'est configuré : importez d'abord un périmètre.")
        stored = wgs84.transform(settings.STORAGE_SRID, clone=True)
    elif rules.max_outside_m is not None and metres > rules.max_outside_m:
        first = shapely.get_coordinates(shape)[0]
        if looks_swapped(float(first[0]), float(first[1]), perimeters):
            raise GeometrieRefusee(
                "Latitude et longitude semblent inversées : GeoJSON attend [longitude, latitude]."
            )
        nom = str(perimeters.model.objects.get(pk=territoire_id))
        raise GeometrieRefusee(
            f"Hors du quartier : à {format_distance(metres)} du périmètre de {nom} "
            f"({format_distance(rules.max_outside_m)} au plus)."
        )
    return Taken(stored, wgs84, bool(note), note, territoire_id, metres, extra)


def format_distance(metres):
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


# --- 1. Reading GeoJSON ------------------------------------------------------------------

def read_geojson(value, rules):
    """A GeoJSON geometry (dict, or its JSON text; a Feature's geometry) → shapely, 2D."""
    if isinstance(value, str | bytes):
        if not value.strip():
            raise GeometrieRefusee("Géométrie manquante : dessinez-la sur la carte.")
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise GeometrieRefusee("La géométrie envoyée n'est pas du GeoJSON lisible.") from None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    accepted = ", ".join(LABELS[t] for t in rules.types)
    if not isinstance(value, dict) or "type" not in value:
        raise GeometrieRefusee(f"Géométrie manquante : attendu un objet GeoJSON ({accepted}).")
    kind = value["type"]
    if not isinstance(kind, str) or kind not in rules.types:
        shown = str(kind)[:40] if isinstance(kind, str) else type(kind).__name__
        if len(rules.types) == 1:
            raise GeometrieRefusee(
                f"Type de géométrie « {shown} » non accepté : la géométrie doit être {accepted} ({rules.types[0]})."
            )
        extra = " : dessinez des formes d'un seul type" if kind in ("GeometryCollection", "FeatureCollection") else ""
        raise GeometrieRefusee(f"Type de géométrie « {shown} » non accepté{extra} ({accepted}).")
    positions = _positions(value.get("coordinates"), DEPTHS[kind], kind)
    if not positions:
        raise GeometrieRefusee("Géométrie vide : aucune coordonnée.")
    if len(positions) > rules.max_vertices:
        raise GeometrieRefusee(f"Tracé trop détaillé ({len(positions)} sommets, {rules.max_vertices} au plus).")
    for lon, lat in positions:
        check_lonlat(lon, lat)
    _check_distinct(kind, value["coordinates"])
    try:
        shape = shapely.geometry.shape({"type": kind, "coordinates": value["coordinates"]})
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.ShapelyError):
        raise GeometrieRefusee(f"Coordonnées mal formées pour {LABELS[kind]}.") from None
    return shapely.force_2d(shape)


def _positions(coords, depth, kind):
    """Every position of a coordinate array of the given depth, as (lon, lat) floats.

    Checked before shapely or GEOS see them: lists all the way down, numbers only.
    """
    if depth == 0:
        if coords is None or coords == []:
            raise GeometrieRefusee("Coordonnées manquantes : attendu [longitude, latitude].")
        if not isinstance(coords, list | tuple) or not 2 <= len(coords) <= 3:
            raise GeometrieRefusee(
                f"Coordonnées mal formées pour {LABELS[kind]} : attendu [longitude, latitude]."
            )
        if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords):
            raise GeometrieRefusee("Coordonnées non numériques : attendu [longitude, latitude] en degrés.")
        return [(float(coords[0]), float(coords[1]))]
    if not isinstance(coords, list | tuple):
        raise GeometrieRefusee(f"Coordonnées mal formées pour {LABELS[kind]}.")
    out = []
    for item in coords:
        out.extend(_positions(item, depth - 1, kind))
    return out


def check_lonlat(lon, lat):
    """Finite WGS84 degrees, with a hint when latitude and longitude look swapped."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometrieRefusee("Coordonnées non finies (NaN ou infini).")
    if -180 <= lon <= 180 and -90 <= lat <= 90:
        return
    if -90 <= lon <= 90 and -180 <= lat <= 180:
        raise GeometrieRefusee(
            f"Coordonnées hors du globe (latitude {lat:g}) : latitude et longitude semblent inversées, "
            "GeoJSON attend [longitude, latitude]."
        )
    raise GeometrieRefusee(
        "Coordonnées hors du globe : l'ordre attendu en GeoJSON est [longitude, latitude], en degrés WGS84."
    )


def _check_distinct(kind, coords):
    if kind == "LineString" and len({tuple(p[:2]) for p in coords}) < 2:
        raise GeometrieRefusee("Une ligne demande au moins deux points distincts.")
    if kind == "Polygon" and any(len({tuple(p[:2]) for p in ring}) < 3 for ring in coords):
        raise GeometrieRefusee("Une zone demande au moins trois points distincts.")
    if kind == "Polygon" and not coords:
        raise GeometrieRefusee("Géométrie vide : aucune coordonnée.")


# --- 2. Validity and repair ----------------------------------------------------------------

def _single_only(rules):
    return "Polygon" in rules.types and "MultiPolygon" not in rules.types


def repair(shape, max_area_change=0.01, single=False):
    """(shape, note): the geometry as drawn when valid, or repaired when the repair keeps
    its meaning (its surface changes by at most `max_area_change`); refused otherwise.

    With `single`, a repair that splits a zone keeps its largest piece, provided the
    others are within the same bound.
    """
    if shape.is_empty:
        raise GeometrieRefusee("Géométrie vide : aucune coordonnée.")
    if shape.is_valid:
        return shape, ""
    reason = shapely.is_valid_reason(shape)
    if shape.geom_type.replace("Multi", "") != "Polygon":
        raise GeometrieRefusee(
            f"Géométrie invalide ({reason}) : une ligne demande au moins deux points distincts."
        )
    fixed = shapely.make_valid(shape)
    parts = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    fixed = shapely.union_all(parts) if parts else None
    if fixed is None or fixed.is_empty or fixed.area == 0:
        raise GeometrieRefusee(f"Zone sans surface ({reason}) : dessinez au moins trois points distincts.")
    # The shoelace area of the rings as drawn: a bow-tie's halves cancel out, so its
    # repair (two triangles) would not be what its author meant.
    change = abs(fixed.area - abs(shape.area)) / fixed.area
    if single and fixed.geom_type == "MultiPolygon":
        largest = max(fixed.geoms, key=lambda p: p.area)
        change = max(change, 1 - largest.area / fixed.area)
        fixed = largest
    if change > max_area_change:
        raise GeometrieRefusee(
            f"La zone se croise elle-même ({reason}) : la réparation changerait la surface de "
            f"{change:.0%}. Redessinez-la sans croiser ses propres bords."
        )
    return fixed, f"Géométrie invalide ({reason}) réparée automatiquement (surface modifiée de {change:.2%})."


# --- 3. Where it lies --------------------------------------------------------------------

def locate(geom, perimeters, annotations=None):
    """(territoire id, metres, geometry in the storage SRID, extra) in one PostGIS query.

    Metres are measured in the storage projection (0 inside); (None, None, None, {}) when
    no territory exists. `extra` holds the values of `annotations(geom)`.
    """
    value = Value(geom, output_field=GeometryField(srid=geom.srid))
    extra = annotations(geom) if annotations else {}
    row = (
        perimeters.annotate(
            _distance=Distance("geom", geom),
            _stored=Transform(value, settings.STORAGE_SRID),
            **extra,
        )
        .order_by("_distance")
        .values_list("pk", "_distance", "_stored", *extra)
        .first()
    )
    if row is None:
        return None, None, None, {}
    return row[0], row[1].m, row[2], dict(zip(extra, row[3:], strict=True))


def looks_swapped(lon, lat, perimeters, tolerance_m=SWAP_HINT_M):
    """True when swapping latitude and longitude lands the point on (or near) a territory."""
    if not (-90 <= lon <= 90 and -180 <= lat <= 180):
        return False
    swapped = Point(lat, lon, srid=settings.API_SRID)
    _, metres, _, _ = locate(swapped, perimeters)
    return metres is not None and metres <= tolerance_m


# --- The API's projection ------------------------------------------------------------------

class ForcePolygonCCW(GeomOutputGeoFunc):
    """ST_ForcePolygonCCW: exterior rings counter-clockwise, holes clockwise (RFC 7946
    § 3.1.6). PostGIS 3.3 also reverses lines, so it is only applied to surfaces."""

    arity = 1


class Dimension(Func):
    function = "ST_Dimension"
    output_field = IntegerField()


def oriented(geometry):
    """Surfaces with RFC 7946's orientation; points and lines unchanged. Applied before
    the transform to WGS84, which keeps orientation (both are east-north)."""
    if isinstance(geometry, str):
        geometry = F(geometry)
    return Case(When(GreaterThanOrEqual(Dimension(geometry), 2), then=ForcePolygonCCW(geometry)), default=geometry,
                output_field=GeometryField(srid=settings.STORAGE_SRID))


def api_geom(field="geom"):
    """Annotation that reprojects a stored geometry to WGS84 inside PostGIS, its rings
    oriented as RFC 7946 asks."""
    return Transform(oriented(field), settings.API_SRID)


def with_api_geom(queryset, field="geom"):
    return queryset.annotate(geom_api=api_geom(field))
