"""Checks of a geometry drawn on a phone, before it reaches PostGIS.

shapely judges what is not in the database yet (STYLE.md); the reprojection to
Lambert-93 happens in PostGIS when the row is saved (GeoDjango wraps the WGS84 value
in ST_Transform), and the distance to the territory is measured there too.
"""

import json
import math

from django.contrib.gis.geos import GEOSGeometry
from shapely import make_valid
from shapely.geometry import shape

from commun.geo import distance_to_territory, looks_swapped
from territoire.models import Territoire

TYPES = {"Point": "un point", "LineString": "une ligne", "Polygon": "un polygone"}
MAX_VERTICES = 1000
# An annotation may sit a little outside the perimeter (the street along its edge).
MAX_OUTSIDE_M = 200
# A twisted polygon is repaired only when one piece keeps (almost) all the surface.
KEPT_SHARE = 0.99


class GeometrieRefusee(Exception):
    """The message is for the person who drew it, in French."""


def _positions(geojson):
    coords = geojson.get("coordinates")
    if geojson["type"] == "Point":
        return [coords]
    if geojson["type"] == "LineString":
        return list(coords)
    return [p for ring in coords for p in ring]


def _check_numbers(positions):
    if not positions:
        raise GeometrieRefusee("Géométrie vide : aucune coordonnée.")
    if len(positions) > MAX_VERTICES:
        raise GeometrieRefusee(f"Tracé trop détaillé ({len(positions)} sommets, {MAX_VERTICES} au plus).")
    for position in positions:
        if not isinstance(position, list | tuple) or len(position) < 2:
            raise GeometrieRefusee("Coordonnée incomplète : attendu [longitude, latitude].")
        try:
            lon, lat = float(position[0]), float(position[1])
        except (TypeError, ValueError):
            raise GeometrieRefusee("Coordonnées non numériques.") from None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise GeometrieRefusee("Coordonnées non finies.")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            if -90 <= lon <= 90 and -180 <= lat <= 180:
                raise GeometrieRefusee(
                    "Latitude et longitude semblent inversées : GeoJSON attend [longitude, latitude]."
                )
            raise GeometrieRefusee("Coordonnées hors des bornes WGS84.")


def _repair(geom):
    """(geometry, repaired): the geometry as drawn, or repaired when the meaning is kept."""
    if geom.is_valid:
        return geom, False
    if geom.geom_type == "LineString":
        raise GeometrieRefusee("Ligne invalide : il faut au moins deux points distincts.")
    fixed = make_valid(geom)
    parts = [g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [p for g in parts for p in getattr(g, "geoms", [g])]
    total = sum(p.area for p in polygons)
    if not polygons or total == 0:
        raise GeometrieRefusee("Zone sans surface : dessinez au moins trois points distincts.")
    largest = max(polygons, key=lambda p: p.area)
    if largest.area < KEPT_SHARE * total:
        raise GeometrieRefusee(
            "La zone se croise elle-même (forme en « 8 ») : redessinez-la sans croiser ses bords."
        )
    return largest, True


def parse(value, territoires=None):
    """A GeoJSON Point, LineString or Polygon in WGS84 → (GEOSGeometry 4326, repaired).

    Raise GeometrieRefusee with a French message for anything else.
    """
    if not isinstance(value, dict) or "type" not in value:
        raise GeometrieRefusee("Géométrie manquante : attendu un objet GeoJSON (Point, LineString ou Polygon).")
    kind = value.get("type")
    if kind not in TYPES:
        raise GeometrieRefusee(
            f"Type de géométrie « {kind} » non accepté : un point, une ligne ou un polygone (Point, LineString, "
            "Polygon)."
        )
    try:
        positions = _positions(value)
    except (TypeError, KeyError):
        raise GeometrieRefusee("Coordonnées illisibles pour ce type de géométrie.") from None
    _check_numbers(positions)
    if kind == "LineString" and len({(float(p[0]), float(p[1])) for p in positions}) < 2:
        raise GeometrieRefusee("Une ligne demande au moins deux points distincts.")
    if kind == "Polygon" and len({(float(p[0]), float(p[1])) for p in positions}) < 3:
        raise GeometrieRefusee("Une zone demande au moins trois points distincts.")
    try:
        drawn = shape({"type": kind, "coordinates": value["coordinates"]})
    except (TypeError, ValueError, IndexError, AttributeError):
        raise GeometrieRefusee("Coordonnées illisibles pour ce type de géométrie.") from None
    geom, repaired = _repair(drawn)
    geos = GEOSGeometry(json.dumps(geom.__geo_interface__), srid=4326)
    _check_inside(geos, positions[0], territoires)
    return geos, repaired


def _check_inside(geos, first, territoires):
    territoires = Territoire.objects.all() if territoires is None else territoires
    territoire_id, metres = distance_to_territory(geos, territoires)
    if territoire_id is None:
        raise GeometrieRefusee("Aucun territoire n'est configuré.")
    if metres > MAX_OUTSIDE_M:
        lon, lat = float(first[0]), float(first[1])
        if looks_swapped(lon, lat, territoires):
            raise GeometrieRefusee("Latitude et longitude semblent inversées : GeoJSON attend [longitude, latitude].")
        nom = Territoire.objects.filter(pk=territoire_id).values_list("nom", flat=True).first()
        distance = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
        raise GeometrieRefusee(f"Hors du quartier : à {distance} du périmètre de {nom} ({MAX_OUTSIDE_M} m au plus).")


def parse_route(value, territoires=None):
    """The planned route: a LineString only (a walk may cross its own path)."""
    if isinstance(value, dict) and value.get("type") != "LineString":
        raise GeometrieRefusee("Le parcours doit être une ligne (LineString).")
    return parse(value, territoires)[0]
