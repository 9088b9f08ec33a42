"""Shared REST plumbing: French JSON errors, pagination, the API geometry field,
the photo of an upload request and the client's address."""

import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FileUploadParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework_gis.fields import GeometryField

from . import photos
from .pagination import KeysetPagination

DETAIL_INVALID = "Données invalides."
# DRF's SessionAuthentication says "CSRF Failed: …" in English (a signed-in browser that
# calls the API without the page's token).
CSRF_API = ("Jeton CSRF absent ou invalide : rechargez la page puis réessayez, ou utilisez un jeton "
            "d'API (en-tête « Authorization: Token <jeton> »).")
NOT_FOUND_DEFAULTS = ("Not found.", "Non trouvé.")
# WGS84 degrees to 7 decimals: about 1 cm, what RFC 7946 § 11.2 recommends.
COORDINATE_DECIMALS = 7


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
        exc = exceptions.PermissionDenied(str(exc) or "Vous n'avez pas la permission d'effectuer cette action.")
    elif isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait is not None else None
        exc = exceptions.Throttled(wait=exc.wait, detail=f"Trop de requêtes, réessayez dans {wait} s."
                                   if wait is not None else "Trop de requêtes, réessayez dans un instant.")
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        exc = exceptions.PermissionDenied(CSRF_API)
    elif isinstance(exc, exceptions.NotFound) and str(exc.detail) in NOT_FOUND_DEFAULTS:
        exc = exceptions.NotFound("Ressource introuvable.")
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


def conflict(message, field="uuid"):
    """409: the client key was already used for other content (see commun.idempotence)."""
    return Response({"detail": message, "errors": {field: [message]}}, status=status.HTTP_409_CONFLICT)


class GeoPagination(KeysetPagination):
    """Every GeoJSON list: keyset pages with `next`/`previous`, no count (commun.pagination)."""


class RawPhotoParser(FileUploadParser):
    """The image itself as the request body (any content type); the file name that DRF
    asks for in Content-Disposition is optional, clients rarely send one."""

    def get_filename(self, stream, media_type, parser_context):
        return super().get_filename(stream, media_type, parser_context) or "photo"


class ListPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        """A page that does not exist (0, beyond the last, a word) is a bad parameter: 400
        in French, as the schema documents (DRF answers 404)."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {self.page_query_param: ["Page invalide : attendu un numéro de page existant (1, 2, …)."]}) from None


@extend_schema_field(
    {"type": "object", "description": "Géométrie GeoJSON (RFC 7946, WGS84)",
     "properties": {"type": {"type": "string"}, "coordinates": {"type": "array", "items": {}}}}
)
class ApiGeometryField(GeometryField):
    """Geometry reprojected to WGS84 by PostGIS (the `geom_api` annotation), rounded to
    7 decimals (about 1 cm) as RFC 7946 recommends."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "geom_api")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("precision", COORDINATE_DECIMALS)
        super().__init__(**kwargs)

    def to_representation(self, value):
        geojson = super().to_representation(value)
        if geojson and "coordinates" in geojson:
            geojson["coordinates"] = _as_lists(geojson["coordinates"])  # rounding made tuples
        return geojson


def _as_lists(coordinates):
    if isinstance(coordinates, (list, tuple)):
        return [_as_lists(c) for c in coordinates]
    return coordinates


def photo_from_request(request):
    """The photo of an upload request (raw body or multipart `photo`), size-checked."""
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
    matching entry of X-Forwarded-For (counted from the right, which the proxies wrote).
    None when unknown (a request built in-process)."""
    count = settings.NUM_PROXIES
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
