"""Rules of the territory: which QPV the application shows, where its map opens, and
how a geometry sent by someone is checked against its perimeter."""

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import GeomOutputGeoFunc, Transform
from django.core.cache import cache
from django.db.models import Value

from commun import geometry
from commun.carte import DEFAULT_VIEW

from .models import Territoire

MAP_VIEW_KEY = "territoire:vue-carte"
MAP_VIEW_SECONDS = 300


def principal_territoire():
    """The QPV the pages present (the first one; one instance serves one QPV today)."""
    return Territoire.objects.order_by("id").defer("geom").first()


def perimeters():
    return Territoire.objects.all()


def take_geometry(value, rules, annotations=None):
    """A client's GeoJSON checked against the QPV perimeters (see commun.geometry.intake)."""
    return geometry.intake(value, rules, perimeters(), annotations)


class Expand(GeomOutputGeoFunc):
    """ST_Expand: a geometry's box widened by a distance in its own units (metres here)."""

    arity = 2


def perimeters_extent(margin_m=0):
    """(minLon, minLat, maxLon, maxLat) of every perimeter widened by `margin_m` metres,
    computed by PostGIS; None when no territory exists."""
    widened = Expand("geom", Value(float(margin_m)))
    extent = Territoire.objects.aggregate(e=Extent(Transform(widened, 4326)))["e"]
    return tuple(round(v, 7) for v in extent) if extent else None


def map_view():
    """Where every map opens: `{"center": (lat, lon), "zoom": z, "bounds": [[s, w], [n, e]]}`
    in WGS84, from the territories' extent (computed by PostGIS, kept a few minutes)."""
    view = cache.get(MAP_VIEW_KEY)
    if view is None:
        extent = Territoire.objects.aggregate(e=Extent(Transform("geom", 4326)))["e"]
        if extent is None:
            view = dict(DEFAULT_VIEW)
        else:
            west, south, east, north = extent
            view = {"center": (round((south + north) / 2, 6), round((west + east) / 2, 6)), "zoom": 15,
                    "bounds": [[round(south, 6), round(west, 6)], [round(north, 6), round(east, 6)]]}
        cache.set(MAP_VIEW_KEY, view, MAP_VIEW_SECONDS)
    return view


def forget_map_view(**kwargs):
    """Signal receiver: a perimeter changed, the maps open on its new extent."""
    cache.delete(MAP_VIEW_KEY)
