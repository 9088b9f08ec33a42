"""`GET /api/v1/exports/<couche>.<geojson|csv|gpkg>`: a registered layer as a file;
`GET /api/v1/tuiles/<couche>/{z}/{x}/{y}.mvt`: a registered layer as vector tiles."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from commun.api import json_error
from commun.exports import EXPORT_LAYERS, FORMATS, ExportIndisponible, export_response
from commun.filters import filter_bbox
from commun.routeurs import replica_reads
from commun.tuiles import TILE_LAYERS, TuileRefusee, cached_tile, plan


def export_layer_response(request, layer, fmt):
    """Filter the layer's queryset like its API (filters, bbox), then write the file."""
    if layer.login_required and not request.user.is_authenticated:
        raise exceptions.NotAuthenticated("Connectez-vous pour exporter cette couche.")
    spec = layer.spec_for(request)
    queryset = layer.queryset(request)
    if layer.filterset_class is not None:
        filterset = layer.filterset_class(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        queryset = filterset.qs
    queryset = filter_bbox(queryset, request.query_params.get("bbox"), spec.bbox_field)
    try:
        return export_response(queryset, spec, fmt)
    except ExportIndisponible as exc:
        return json_error(503, str(exc))


class ExportView(APIView):
    """A layer as a file, with the layer's API filters and `bbox`; only what the user may see."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        description="Fichier GeoJSON (WGS84), CSV (séparateur `;`, WKT en WGS84) ou GeoPackage (EPSG:4326).",
    )
    def get(self, request, couche, fmt):
        layer = EXPORT_LAYERS.get(couche)
        if layer is None:
            raise exceptions.NotFound(
                f"Couche inconnue : « {couche[:40]} ». Couches disponibles : {', '.join(sorted(EXPORT_LAYERS))}."
            )
        if fmt not in FORMATS:
            raise exceptions.NotFound(f"Format inconnu : choisissez {', '.join(FORMATS)}.")
        return export_layer_response(request, layer, fmt)


class TileView(APIView):
    """`/api/v1/tuiles/<couche>/{z}/{x}/{y}.mvt`: a registered layer as a Mapbox Vector Tile.

    The layer's list filters as query parameters, the same visibility as its list;
    `agregat=1` always groups rows in cells (the density view). `ETag`, and 304 on a
    matching `If-None-Match`.
    """

    permission_classes = [AllowAny]

    def perform_content_negotiation(self, request, force=False):
        """A tile client asks for MVT; errors are still the API's French JSON."""
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={(200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY, 304: None},
        description="Tuile vectorielle (MVT, EPSG:3857). Au-delà de 2 000 objets dans la tuile, les objets "
                    "sont regroupés par cellules (propriété `nombre`).",
    )
    def get(self, request, couche, z, x, y):
        layer = TILE_LAYERS.get(couche)
        if layer is None:
            raise exceptions.NotFound(
                f"Couche de tuiles inconnue : « {couche[:40]} ». Couches : {', '.join(sorted(TILE_LAYERS))}.")
        with replica_reads():
            return self.tile(request, layer, z, x, y)

    def tile(self, request, layer, z, x, y):
        try:
            etag, public, build = plan(layer, request, z, x, y)
        except TuileRefusee as exc:
            detail = exc.args[0]
            raise exceptions.ValidationError(detail if isinstance(detail, dict) else {"tuile": [str(detail)]}) from None
        except PermissionError as exc:
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated(str(exc)) from None
            raise exceptions.PermissionDenied(str(exc)) from None
        headers = {"ETag": etag, "Vary": "Cookie, Authorization",
                   "Cache-Control": "public, max-age=300" if public else "private, no-cache"}
        if etag in [t.strip() for t in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
            return HttpResponse(status=304, headers=headers)
        return HttpResponse(cached_tile(etag, build), content_type="application/vnd.mapbox-vector-tile",
                            headers=headers)
