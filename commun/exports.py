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
from django.contrib.gis.db.models.functions import AsGeoJSON, AsWKT, Transform
from django.http import HttpResponse
from django.utils import timezone

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


@dataclass
class Column:
    """An exported attribute: `lookup` is an ORM path (`maitre_ouvrage__slug`)."""

    name: str
    lookup: str = ""
    choices: dict = field(default_factory=dict)

    def __post_init__(self):
        self.lookup = self.lookup or self.name


@dataclass
class ExportSpec:
    """What to export from a queryset: a layer name, its columns and its geometry.

    `geom_field` is a field name or a geometry expression; `bbox_field` is the field a
    `bbox` parameter filters on.
    """

    layer: str
    columns: list
    geom_field: object = "geom"
    bbox_field: str = "geom"

    def header(self):
        names = []
        for column in self.columns:
            names.append(column.name)
            if column.choices:
                names.append(f"{column.name}_libelle")
        return names

    def row(self, values):
        out = []
        for column, value in zip(self.columns, values, strict=True):
            out.append(_plain(value))
            if column.choices:
                out.append(str(column.choices.get(value, value or "")))
        return out


def _plain(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "hex") and not isinstance(value, (int, float, str)):
        return str(value)  # UUID
    return value


def _rows(queryset, spec, geometry_sql):
    lookups = [c.lookup for c in spec.columns]
    geometry = Transform(spec.geom_field, settings.API_SRID)
    annotated = queryset.annotate(_export_geom=geometry_sql(geometry)).order_by("pk")
    for values in annotated.values_list(*lookups, "_export_geom").iterator(chunk_size=2000):
        yield spec.row(values[:-1]), values[-1]


def geojson_text(queryset, spec):
    """A FeatureCollection (RFC 7946) as a string, geometry written by PostGIS."""
    header = spec.header()
    parts = []
    for row, geometry in _rows(queryset, spec, lambda g: AsGeoJSON(g, precision=7)):
        properties = json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
        parts.append(f'{{"type":"Feature","properties":{properties},"geometry":{geometry or "null"}}}')
    return '{"type":"FeatureCollection","name":' + json.dumps(spec.layer) + ',"features":[' + ",".join(parts) + "]}"


def _safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_text(queryset, spec):
    """`;`-separated UTF-8 with a BOM (French spreadsheets), geometry as WKT in WGS84."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*spec.header(), "wkt"])
    for row, wkt in _rows(queryset, spec, AsWKT):
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
    """A GeoPackage (EPSG:4326) with one table, or one per geometry kind when mixed."""
    ogr2ogr = shutil.which("ogr2ogr")
    if not ogr2ogr:
        raise ExportIndisponible("ogr2ogr (paquet gdal-bin) est introuvable sur le serveur.")
    collection = json.loads(geojson_text(queryset, spec))
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
            source.write_text(
                json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                encoding="utf-8",
            )
            command = [ogr2ogr, "-f", "GPKG", "-nln", name, "-a_srs", "EPSG:4326",
                       "-nlt", "PROMOTE_TO_MULTI", "-lco", "SPATIAL_INDEX=YES"]
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
class ExportLayer:
    """A layer offered for export: `queryset(request)` must already apply visibility."""

    key: str
    label: str
    queryset: object
    spec: ExportSpec
    filterset_class: object = None
    login_required: bool = False

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
