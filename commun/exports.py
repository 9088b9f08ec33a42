"""Exports of map layers as GeoJSON, CSV and GeoPackage (opens in QGIS).

One query per export: attributes are read with `values_list` (foreign keys followed in
SQL) and geometry is reprojected to WGS84 and serialised by PostGIS (`AsGeoJSON`,
`AsWKT`). The GeoPackage is written by GDAL's `ogr2ogr` (Debian `gdal-bin`) from that
GeoJSON; a layer mixing points, lines and surfaces gets one GeoPackage table per kind,
which is how QGIS expects them.

Every export is built from a queryset the caller has already limited to what the user
may see: this module never widens it.
"""

import csv
import datetime
import decimal
import io
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Func, TextField, Value
from django.http import HttpResponse
from django.utils import timezone

from .geometry import oriented

FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
}
FAMILIES = {"Point": "points", "LineString": "lignes", "Polygon": "surfaces"}
OGR2OGR_TIMEOUT_S = 120
# Spreadsheets run a cell starting with these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportIndisponible(Exception):
    """The GeoPackage writer (ogr2ogr) is missing or failed."""


TYPES = ("integer", "real", "date", "datetime", "boolean", "string")
# How GDAL's SQL casts each type (the GeoPackage's column types, whatever the data).
OGR_CASTS = {"integer": "integer", "real": "float", "date": "date", "datetime": "timestamp",
             "boolean": "boolean", "string": "character(0)"}
CSV_BOOLEANS = {True: "oui", False: "non"}


@dataclass
class Column:
    """An exported attribute: `lookup` is an ORM path (`maitre_ouvrage__slug`); `type` is
    one of TYPES, declared so that a file says the same whatever the rows hold."""

    name: str
    lookup: str = ""
    type: str = "string"
    choices: dict = field(default_factory=dict)

    def __post_init__(self):
        self.lookup = self.lookup or self.name
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: type {self.type!r} not in {TYPES}")


@dataclass
class ExportSpec:
    """What to export from a queryset: a layer name, its columns and its geometry.

    `geom_field` is a field name or a geometry expression; `bbox_field` is the field a
    `bbox` parameter filters on; `id_column` names the column that identifies a feature.
    """

    layer: str
    columns: list
    geom_field: object = "geom"
    bbox_field: str = "geom"
    id_column: str = "id"

    def header(self):
        return [name for name, _type in self.fields()]

    def fields(self):
        """(name, type) of every output attribute, a choice's label after its code."""
        out = []
        for column in self.columns:
            out.append((column.name, column.type))
            if column.choices:
                out.append((f"{column.name}_libelle", "string"))
        return out

    def row(self, values, utc=False):
        out = []
        for column, value in zip(self.columns, values, strict=True):
            out.append(_plain(value, column.type, utc))
            if column.choices:
                out.append(None if value in (None, "") else str(column.choices.get(value, value)))
        return out


def _plain(value, kind="string", utc=False):
    """A database value as JSON writes it, in the column's declared type."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            return value.isoformat()
        if utc:
            return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if kind == "integer":
        return int(value)
    if kind == "real":
        return float(value)
    if kind == "boolean":
        return bool(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "hex") and not isinstance(value, (int, float, str)):
        return str(value)  # UUID
    return value


class AsRoundedWKT(Func):
    """ST_AsText with at most 7 decimals (1 cm in degrees), as the GeoJSON is rounded."""

    function = "ST_AsText"
    output_field = TextField()

    def __init__(self, expression, decimals=7):
        super().__init__(expression, Value(decimals))


def export_geometry(spec, srid=None):
    """The spec's geometry in `srid` (WGS84 by default), rings oriented as RFC 7946 asks."""
    return Transform(oriented(spec.geom_field), srid or settings.API_SRID)


def _rows(queryset, spec, geometry_sql, utc=False):
    lookups = [c.lookup for c in spec.columns]
    annotated = queryset.annotate(_export_geom=geometry_sql(export_geometry(spec))).order_by("pk")
    for values in annotated.values_list(*lookups, "_export_geom").iterator(chunk_size=2000):
        yield spec.row(values[:-1], utc=utc), values[-1]


def _features(queryset, spec, utc=False):
    header = spec.header()
    for row, geometry in _rows(queryset, spec, lambda g: AsGeoJSON(g, precision=7), utc=utc):
        properties = json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
        yield f'{{"type":"Feature","properties":{properties},"geometry":{geometry or "null"}}}'


def geojson_text(queryset, spec, utc=False):
    """A FeatureCollection (RFC 7946) as a string, geometry written by PostGIS."""
    parts = _features(queryset, spec, utc=utc)
    return '{"type":"FeatureCollection","name":' + json.dumps(spec.layer) + ',"features":[' + ",".join(parts) + "]}"


def _safe_cell(value):
    if isinstance(value, bool):
        return CSV_BOOLEANS[value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 1200000, not 1200000.0, in a spreadsheet
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_text(queryset, spec):
    """`;`-separated UTF-8 with a BOM (French spreadsheets), booleans `oui`/`non`,
    geometry as WKT in WGS84 rounded to 7 decimals."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*spec.header(), "wkt"])
    for row, wkt in _rows(queryset, spec, AsRoundedWKT):
        writer.writerow([_safe_cell(v) for v in row] + [wkt or ""])
    return buffer.getvalue()


def table_csv(header, rows):
    """A table without geometry (a review's figures) as the same CSV."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def gpkg_bytes(queryset, spec):
    """A GeoPackage (EPSG:4326) with one table, or one per geometry kind when mixed.

    Every column gets its declared type through GDAL's SQL `CAST` (GDAL would otherwise
    guess from the values, and call a column that is empty today a string); date-times
    are written in UTC, as the GeoPackage standard asks.
    """
    ogr2ogr = shutil.which("ogr2ogr")
    if not ogr2ogr:
        raise ExportIndisponible("ogr2ogr (paquet gdal-bin) est introuvable sur le serveur.")
    collection = json.loads(geojson_text(queryset, spec, utc=True))
    by_family = {}
    for feature in collection["features"]:
        kind = (feature["geometry"] or {}).get("type", "Point").replace("Multi", "")
        by_family.setdefault(FAMILIES.get(kind, "autres"), []).append(feature)
    if not by_family:
        by_family[None] = []
    with tempfile.TemporaryDirectory(prefix="export-") as tmp:
        target = Path(tmp) / f"{spec.layer}.gpkg"
        for family, features in by_family.items():
            name = spec.layer if len(by_family) == 1 else f"{spec.layer}_{family}"
            source = Path(tmp) / f"{name}.geojson"
            # An empty layer still has its columns: one blank row names them, and the
            # SQL keeps none.
            blank = [{"type": "Feature", "properties": dict.fromkeys(spec.header()), "geometry": None}]
            source.write_text(
                json.dumps({"type": "FeatureCollection", "features": features or blank}, ensure_ascii=False),
                encoding="utf-8",
            )
            select = typed_select(spec, name) + ("" if features else " WHERE 0 = 1")
            command = [ogr2ogr, "-f", "GPKG", "-nln", name, "-a_srs", "EPSG:4326",
                       "-nlt", "PROMOTE_TO_MULTI", "-lco", "SPATIAL_INDEX=YES",
                       "-dialect", "OGRSQL", "-sql", select]
            if target.exists():
                command.append("-update")
            if not features:
                command += ["-nlt", "GEOMETRY"]
            command += [str(target), str(source)]
            try:
                subprocess.run(command, check=True, capture_output=True, timeout=OGR2OGR_TIMEOUT_S)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                detail = getattr(exc, "stderr", b"") or b""
                raise ExportIndisponible(
                    "La conversion en GeoPackage a échoué : " + detail.decode(errors="replace")[:300]
                ) from exc
        return target.read_bytes()


def typed_select(spec, source_layer):
    """OGR SQL that gives each column its declared type (the geometry follows)."""
    casts = [f'CAST("{name}" AS {OGR_CASTS[kind]}) AS "{name}"' for name, kind in spec.fields()]
    return f'SELECT {", ".join(casts)} FROM "{source_layer}"'


def export_response(queryset, spec, fmt, filename=None):
    """An HttpResponse holding the export as a downloadable file."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "geojson":
        body = geojson_text(queryset, spec).encode()
    elif fmt == "csv":
        body = csv_text(queryset, spec).encode()
    else:
        body = gpkg_bytes(queryset, spec)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename or spec.layer}-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Registry of exportable layers ------------------------------------------------------

@dataclass
class Temporal:
    """When a feature happens, for OGC's `datetime`: `start` (and `end`, for a period
    that may still be open) are ORM paths or expressions; `dates` when they hold dates."""

    start: object
    end: object = None
    dates: bool = False


@dataclass
class ExportLayer:
    """A layer offered for export and as an OGC API collection.

    `queryset(request)` must already apply visibility. `queryables` are parameters of the
    layer's filter set that filter on the column of the same name (the filters planners
    need: status, nature, category); `temporal` says which dates OGC's `datetime` filters
    on; `extent(request)`, when given, answers the WGS84 extent without scanning the rows
    (a layer of a million reports).
    """

    key: str
    label: str
    queryset: object
    spec: ExportSpec
    filterset_class: object = None
    login_required: bool = False
    description: str = ""
    temporal: Temporal | None = None
    queryables: tuple = ()
    extent: object = None

    def spec_for(self, request):
        """The columns this user may read; a subclass hides some from some users."""
        return self.spec


EXPORT_LAYERS = {}


def register_export(layer):
    """Offer a layer at `/api/v1/exports/<key>.<geojson|csv|gpkg>`."""
    EXPORT_LAYERS[layer.key] = layer
    return layer


def export_urls(key, query=""):
    """Download links of a layer, one per format, keeping the current filters."""
    suffix = f"?{query}" if query else ""
    return [(fmt, f"/api/v1/exports/{key}.{fmt}{suffix}") for fmt in FORMATS]
