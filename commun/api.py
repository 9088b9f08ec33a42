"""Shared REST plumbing: French JSON errors, bbox filter in WGS84, pagination."""

import math

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import Polygon
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.pagination import GeoJsonPagination

DETAIL_INVALID = "Données invalides."


def _flatten(errors):
    """DRF nests errors (lists, dicts); the contract wants {field: [messages]}."""
    if isinstance(errors, dict):
        out = {}
        for key, value in errors.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    out[f"{key}.{sub_key}" if key != "non_field_errors" else sub_key] = sub_value
            else:
                out[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(errors, list):
        return {"non_field_errors": [str(e) for e in errors]}
    return {"non_field_errors": [str(errors)]}


def exception_handler(exc, context):
    """Every API error is JSON `{"detail": …, "errors": {field: [messages]}}` in French."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Ressource introuvable.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("Vous n'avez pas la permission d'effectuer cette action.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.values()), [DETAIL_INVALID])
        detail = first[0] if len(errors) == 1 and first else DETAIL_INVALID
        response.data = {"detail": detail, "errors": errors}
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {"detail": str(detail or exc), "errors": {}}
    return response


def json_error(status_code, detail, errors=None):
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status_code)


def bad_request(detail, field="non_field_errors"):
    return Response(
        {"detail": detail, "errors": {field: [detail]}}, status=status.HTTP_400_BAD_REQUEST
    )


def parse_bbox(raw):
    """Parse `minLon,minLat,maxLon,maxLat` (WGS84) into a Polygon tagged 4326.

    DRF-gis' InBBoxFilter builds its polygon with no SRID, so GeoDjango would read
    the numbers as Lambert-93 metres; this one says what the client meant.
    """
    parts = raw.split(",")
    if len(parts) != 4:
        raise exceptions.ValidationError(
            {"bbox": ["bbox attend 4 nombres : minLon,minLat,maxLon,maxLat (WGS84)."]}
        )
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise exceptions.ValidationError(
            {"bbox": ["bbox doit contenir des nombres décimaux séparés par des virgules."]}
        ) from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise exceptions.ValidationError({"bbox": ["bbox contient une valeur non finie."]})
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise exceptions.ValidationError({"bbox": ["Longitude hors de [-180, 180]."]})
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise exceptions.ValidationError(
            {"bbox": ["Latitude hors de [-90, 90] : l'ordre attendu est minLon,minLat,maxLon,maxLat."]}
        )
    if min_lon >= max_lon or min_lat >= max_lat:
        raise exceptions.ValidationError(
            {"bbox": ["bbox vide : le minimum doit être inférieur au maximum (minLon,minLat,maxLon,maxLat)."]}
        )
    return Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat)), settings.API_SRID


class BBoxFilter(filters.BaseFilterBackend):
    """`?bbox=minLon,minLat,maxLon,maxLat` in WGS84, features that intersect it."""

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get("bbox")
        if not raw:
            return queryset
        polygon, srid = parse_bbox(raw)
        polygon.srid = srid
        field = getattr(view, "bbox_filter_field", "geom")
        if getattr(view, "bbox_points_wgs84_index", False):
            # Points against a WGS84 rectangle: the bounding-box operator is exact, and a
            # GiST index on ST_Transform(geom, 4326) answers it without reprojecting
            # every row (the count of a 100,000-report page, mostly).
            return queryset.annotate(_bbox_geom=Transform(field, srid)).filter(_bbox_geom__bboverlaps=polygon)
        return queryset.filter(**{f"{field}__intersects": polygon})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "bbox",
                "required": False,
                "in": "query",
                "description": "Emprise minLon,minLat,maxLon,maxLat en WGS84 (EPSG:4326).",
                "schema": {"type": "string", "example": "5.16,48.77,5.18,48.79"},
            }
        ]


class GeoPagination(GeoJsonPagination):
    page_size_query_param = "page_size"
    max_page_size = 5000


class ListPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


def api_404(request, exception=None):
    return json_error(404, "Ressource introuvable.")


@extend_schema_field(
    {"type": "object", "description": "Géométrie GeoJSON (RFC 7946, WGS84)",
     "properties": {"type": {"type": "string"}, "coordinates": {"type": "array", "items": {}}}}
)
class ApiGeometryField(GeometryField):
    """Geometry reprojected to WGS84 by PostGIS (the `geom_api` annotation)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "geom_api")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


def photo_bytes(request):
    """The photo of an upload request (raw body or multipart `photo`), size-checked."""
    from commun import photos

    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > photos.MAX_BYTES + 64 * 1024:  # refuse before reading a huge body
        raise exceptions.ValidationError(
            {"photo": [f"Photo trop lourde ({announced / 1024 / 1024:.1f} Mo) : 15 Mo au maximum."]})
    upload = request.data.get("photo") or request.data.get("file")
    if upload is None:
        raise exceptions.ValidationError({"photo": ["Aucune photo dans la requête."]})
    try:
        return photos.read_upload(upload)
    except photos.PhotoRefusee as exc:
        raise exceptions.ValidationError({"photo": [str(exc)]}) from None


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES trusted proxies the
    matching entry of X-Forwarded-For (counted from the right, which the proxies wrote)."""
    count = settings.NUM_PROXIES
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or "inconnue"
