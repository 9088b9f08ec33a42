"""Geometry helpers shared by every app: reprojection in SQL, checks of client input."""

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance, Transform
from django.contrib.gis.geos import GEOSGeometry, Point


def api_geom(field="geom"):
    """Annotation that reprojects a stored geometry to WGS84 inside PostGIS."""
    return Transform(field, settings.API_SRID)


def with_api_geom(queryset, field="geom"):
    return queryset.annotate(geom_api=api_geom(field))


def point_wgs84(lon, lat):
    return Point(float(lon), float(lat), srid=settings.API_SRID)


def distance_to_territory(point, territoires):
    """Metres from a WGS84 point to the nearest perimeter, computed in PostGIS (Lambert-93).

    Returns (territoire, metres), with metres == 0 inside; (None, None) with no territory.
    """
    stored = GEOSGeometry(point.wkt, srid=point.srid)
    nearest = (
        territoires.annotate(d=Distance("geom", stored)).order_by("d").values_list("id", "d").first()
    )
    if nearest is None:
        return None, None
    return nearest[0], nearest[1].m


def looks_swapped(lon, lat, territoires, tolerance_m=2000):
    """True when swapping lat and lon lands the point on (or near) a territory."""
    if not (-90 <= lon <= 90 and -180 <= lat <= 180):
        return False
    _, metres = distance_to_territory(point_wgs84(lat, lon), territoires)
    return metres is not None and metres <= tolerance_m
