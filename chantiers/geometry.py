"""Checking a geometry drawn in the browser (GeoJSON, WGS84) before it is saved.

shapely validates and repairs what is not in the database yet; the repair is kept only
when it keeps what the author drew (the surface within 1 %), otherwise the drawing is
refused with a message saying why. Reprojection to the storage SRID happens in PostGIS
when the geometry is saved.
"""

import json
import math

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError

from commun.geo import distance_to_territory
from territoire.models import Territoire

MAX_REPAIR_AREA_CHANGE = 0.01
MAX_DISTANCE_M = 2000
MAX_VERTICES = 20000
ACCEPTED = {"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"}


def _refuse(message):
    raise ValidationError(message, code="geometrie")


def parse_geojson(raw, required=True):
    """Return a GEOSGeometry (srid 4326) from a GeoJSON geometry or Feature, or None."""
    raw = (raw or "").strip()
    if not raw:
        if required:
            _refuse("Dessinez l'emprise sur la carte.")
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        _refuse("La géométrie envoyée n'est pas du GeoJSON lisible.")
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        _refuse("Envoyez une seule géométrie, pas une collection d'objets.")
    if not isinstance(data, dict) or "type" not in data:
        _refuse("La géométrie envoyée n'est pas du GeoJSON lisible.")
    if data["type"] == "GeometryCollection":
        _refuse("Dessinez des formes d'un seul type (points, lignes ou surfaces), pas un mélange.")
    if data["type"] not in ACCEPTED:
        _refuse(f"Type de géométrie inconnu : « {str(data['type'])[:40]} ».")
    try:
        shape = shapely.geometry.shape(data)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError):
        _refuse("Les coordonnées de la géométrie sont mal formées.")
    if shape.is_empty:
        if required:
            _refuse("La géométrie est vide : dessinez l'emprise sur la carte.")
        return None
    return checked(shape)


def checked(shape):
    """Validate a shapely geometry in WGS84; repair it when the repair keeps its meaning."""
    shape = shapely.force_2d(shape)
    coords = shapely.get_coordinates(shape)
    if len(coords) > MAX_VERTICES:
        _refuse(f"La géométrie compte trop de sommets ({len(coords)} ; {MAX_VERTICES} au plus).")
    if not all(math.isfinite(v) for v in coords.flat):
        _refuse("La géométrie contient des coordonnées non numériques.")
    lons, lats = coords[:, 0], coords[:, 1]
    if (abs(lats) > 90).any() or (abs(lons) > 180).any():
        _refuse("Coordonnées hors du globe : l'ordre attendu en GeoJSON est longitude, latitude.")
    if not shape.is_valid:
        shape = _repaired(shape)
    geom = GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=settings.API_SRID)
    _check_near_territory(geom)
    return geom


def _repaired(shape):
    reason = shapely.is_valid_reason(shape)
    family = shape.geom_type.replace("Multi", "")
    if family != "Polygon":
        _refuse(f"Géométrie invalide ({reason}) : une ligne doit avoir au moins deux points distincts.")
    repaired = shapely.make_valid(shape)
    parts = [g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type in ("Polygon", "MultiPolygon")]
    repaired = shapely.union_all(parts) if parts else None
    drawn = shape.area  # shoelace of the rings as drawn
    if repaired is None or repaired.is_empty or repaired.area == 0:
        _refuse(f"Géométrie invalide ({reason}) et irréparable : redessinez la surface.")
    # A bow-tie's shoelace area cancels out: its repair would not be what was drawn.
    change = abs(repaired.area - drawn) / repaired.area
    if change > MAX_REPAIR_AREA_CHANGE:
        _refuse(
            f"La surface dessinée se recoupe ({reason}) : la corriger changerait sa surface de "
            f"{change:.0%}. Redessinez-la sans croiser ses propres bords."
        )
    return repaired


def _check_near_territory(geom):
    territoires = Territoire.objects.all()
    if not territoires.exists():
        return
    _, metres = distance_to_territory(geom, territoires)
    if metres is not None and metres > MAX_DISTANCE_M:
        _refuse(
            f"La géométrie est à {metres / 1000:.1f} km du quartier : vérifiez sa position "
            "(longitude et latitude inversées ?)."
        )
