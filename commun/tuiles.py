"""Vector tiles (Mapbox Vector Tile, written by PostGIS' `ST_AsMVT`) of the large layers.

`/api/v1/tuiles/<couche>/{z}/{x}/{y}.mvt` serves a registered `TileLayer`: each app
declares, in its own module, the rows a request may see (the same visibility as its
list), the list's filter set and the properties of a feature, and registers it in its
`AppConfig.ready()` with `register_tiles`. This module knows no app.

A tile holds one feature per row while the rows in it are few (`max_points`); beyond,
PostGIS groups them in square cells of about `cell_px` screen pixels and writes one
point per cell, at the mean position of its rows, with their number (`nombre`). So no
tile grows past a few hundred kilobytes, however many rows the database holds. A cell
always counts every row in it (rows are read with a margin of one cell) and is drawn by
each tile whose buffer holds its centre, under the same `cellule` id: a client that
counts rows counts each cell once, and no circle is cut at a tile's edge.

Tiles carry an `ETag` made of the layer's data version (`version()`: one index probe),
the tile, the filters and who asks; a matching `If-None-Match` answers 304 before any
tile is computed. Tiles slow to compute are kept in the cache under that ETag, so the
next person with the same view gets them at once.
"""

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.db import connections
from django.db.models import F, Func

EXTENT = 4096
# Around each tile, what is drawn too so that a symbol at an edge is whole (in 1/4096 of
# the tile: 16 screen pixels for points, 32 for groups, whose circles are larger).
BUFFER = 256
CLUSTER_BUFFER = 512
MAX_ZOOM = 22
WEB_MERCATOR = 3857
CACHE_AFTER_MS = 50
CACHE_SECONDS = 3600
EARTH_M = 2 * math.pi * 6378137
GRID_LATITUDE = 46.5
# Part of every ETag: a change to how tiles are written must not be answered from the cache.
TILE_FORMAT = 2


class TuileRefusee(ValueError):
    """A tile address or a filter that cannot be served; the message is in French."""


@dataclass
class TileLayer:
    """A layer served as vector tiles.

    - `rows(request)`: the queryset the person may see, or None when they may see none;
    - `properties`: feature property → model field path (kept short: a popup asks the
      detail API);
    - `public(request, bounds)`: for those who may see no row, another queryset (the
      public aggregate) with its own `public_properties`, or None (403);
    - `scope(request)`: a string that is equal for two people who see the same rows;
    - `version()`: a string that changes whenever a row changes.
    """

    key: str
    rows: Any
    properties: dict
    version: Any
    scope: Any
    filterset_class: Any = None
    public: Any = None
    public_properties: dict = field(default_factory=dict)
    geom_field: str = "geom"
    points: bool = True
    max_points: int = 2000
    cell_px: int = 48
    refused: str = "Connectez-vous pour voir cette couche."


TILE_LAYERS = {}


def register_tiles(layer):
    TILE_LAYERS[layer.key] = layer
    return layer


# --- Tile arithmetic -----------------------------------------------------------------

def check_address(z, x, y):
    if not 0 <= z <= MAX_ZOOM:
        raise TuileRefusee(f"Niveau de zoom hors limites : {z} (0 à {MAX_ZOOM}).")
    n = 2 ** z
    if not (0 <= x < n and 0 <= y < n):
        raise TuileRefusee(f"Tuile hors de la grille au zoom {z} : x et y vont de 0 à {n - 1}.")


def tile_bounds(z, x, y):
    """(west, south, east, north) of a tile in WGS84 degrees."""
    n = 2 ** z

    def lat(row):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def metres_per_pixel(z, latitude):
    """Ground metres of one of the tile's 256 screen pixels."""
    return EARTH_M * math.cos(math.radians(latitude)) / (256 * 2 ** z)


def search_area(bounds, margin_m):
    """The tile's rectangle widened by `margin_m` metres, as a WGS84 polygon."""
    west, south, east, north = bounds
    dlat = margin_m / 111_000
    dlon = margin_m / (111_000 * max(math.cos(math.radians((south + north) / 2)), 0.01))
    polygon = Polygon.from_bbox((max(west - dlon, -180), max(south - dlat, -85.06),
                                 min(east + dlon, 180), min(north + dlat, 85.06)))
    polygon.srid = settings.API_SRID
    return polygon


# --- SQL ----------------------------------------------------------------------------

class Coord(Func):
    arity = 1


def _mvt(sql, params, using):
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def feature_tile(queryset, layer, properties, z, x, y):
    """One feature per row, with its properties, clipped to the tile (with a buffer)."""
    names = list(properties)
    inner, params = queryset.order_by().values(_g=F(layer.geom_field), **{f"_p{i}": F(path) for i, path in
                                                             enumerate(properties.values())}).query.sql_with_params()
    columns = ", ".join(f'q."_p{i}" AS "{name}"' for i, name in enumerate(names))
    sql = f"""
        SELECT ST_AsMVT(t, %s, {EXTENT}, 'geom') FROM (
          SELECT ST_AsMVTGeom(ST_Transform(q."_g", {WEB_MERCATOR}), ST_TileEnvelope(%s, %s, %s),
                              {EXTENT}, {BUFFER}, true) AS geom{", " if columns else ""}{columns}
          FROM ({inner}) q) t
        WHERE t.geom IS NOT NULL"""
    return _mvt(sql, [layer.key, z, x, y, *params], queryset.db)


def cluster_tile(queryset, layer, z, x, y, cell_m):
    """Rows counted per square cell of `cell_m` metres (storage SRID: no per-row
    reprojection); one point per cell whose mean position lies in this tile."""
    position = F(layer.geom_field) if layer.points else Func(F(layer.geom_field), function="ST_PointOnSurface")
    # No ORDER BY: the model's ordering would sort every row of the tile for nothing.
    inner, params = queryset.order_by().values(_x=Coord(position, function="ST_X"),
                                    _y=Coord(position, function="ST_Y")).query.sql_with_params()
    srid = settings.STORAGE_SRID
    sql = f"""
        WITH cells AS (
          SELECT floor(q._x / %s) AS cx, floor(q._y / %s) AS cy, count(*) AS nombre,
                 ST_Transform(ST_SetSRID(ST_MakePoint(avg(q._x), avg(q._y)), {srid}), {WEB_MERCATOR}) AS centre
          FROM ({inner}) q GROUP BY 1, 2)
        SELECT ST_AsMVT(t, %s, {EXTENT}, 'geom') FROM (
          SELECT ST_AsMVTGeom(c.centre, e.env, {EXTENT}, {CLUSTER_BUFFER}, true) AS geom,
                 c.nombre::int AS nombre, (c.cx::bigint || ':' || c.cy::bigint) AS cellule
          FROM cells c, (SELECT ST_TileEnvelope(%s, %s, %s) AS env) e
          WHERE ST_Intersects(c.centre, ST_Expand(e.env, %s))) t
        WHERE t.geom IS NOT NULL"""
    buffer_units = EARTH_M / 2 ** z * CLUSTER_BUFFER / EXTENT
    return _mvt(sql, [cell_m, cell_m, *params, layer.key, z, x, y, buffer_units], queryset.db)


# --- Serving a tile -----------------------------------------------------------------

def plan(layer, request, z, x, y):
    """What to draw and under which ETag, without computing the tile yet.

    Returns (etag, public, build) where `build()` returns the MVT bytes. Raises
    TuileRefusee (400), PermissionError (403) for a bad address, filter or access.
    """
    check_address(z, x, y)
    bounds = tile_bounds(z, x, y)
    queryset = layer.rows(request)
    public = queryset is None
    if public:
        if layer.public is None:
            raise PermissionError(layer.refused)
        queryset, properties = layer.public(request), layer.public_properties
    else:
        properties = layer.properties
        if layer.filterset_class is not None:
            filterset = layer.filterset_class(request.GET, queryset=queryset, request=request)
            if not filterset.is_valid():
                raise TuileRefusee(filterset.errors)
            queryset = filterset.qs
    dense = request.GET.get("agregat") in ("1", "true", "oui")
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    scope = "public" if public else layer.scope(request)
    # The grouping's settings are part of what a tile is: a change of either is a new tile.
    key = (f"{TILE_FORMAT}|{layer.key}|{layer.max_points}|{layer.cell_px}|{z}/{x}/{y}|{query}|{scope}"
           f"|{layer.version()}")
    digest = hashlib.sha256(key.encode()).hexdigest()
    etag = f'"{digest[:32]}"'

    def build():
        pixel_m = metres_per_pixel(z, (bounds[1] + bounds[3]) / 2)
        # Features in the tile's buffer too, so that symbols at an edge are drawn whole.
        near = queryset.filter(**{f"{layer.geom_field}__intersects": search_area(bounds, 256 * pixel_m * BUFFER
                                                                                 / EXTENT)})
        if public:
            return feature_tile(near, layer, properties, z, x, y)
        # One grid per zoom, the same for every tile (cells at the edge are shared): its
        # size is taken at 46.5° N, the latitude where Lambert-93 is true.
        cell_m = layer.cell_px * metres_per_pixel(z, GRID_LATITUDE) / (2 if dense else 1)
        if not dense and near.order_by()[: layer.max_points + 1].count() <= layer.max_points:
            return feature_tile(near, layer, properties, z, x, y)
        # A row of a cell whose centre is in the tile's buffer lies within one cell of it
        # (per axis; 10 % for the angle between Lambert-93 and the parallels, and rounding).
        # The bounding-box test is enough: cells are kept by their centre.
        margin = (cell_m + 256 * pixel_m * CLUSTER_BUFFER / EXTENT) * 1.1
        wide = queryset.filter(**{f"{layer.geom_field}__bboverlaps": search_area(bounds, margin)})
        return cluster_tile(wide, layer, z, x, y, cell_m)

    return etag, public, build


def cached_tile(etag, build):
    """The tile's bytes: from the cache when a slow tile was already computed."""
    key = f"tuile:{etag.strip(chr(34))}"
    body = cache.get(key)
    if body is not None:
        return body
    start = time.perf_counter()
    body = build()
    if (time.perf_counter() - start) * 1000 >= CACHE_AFTER_MS:
        cache.set(key, body, CACHE_SECONDS)
    return body
