"""`GET /api/v1/exports/<couche>.<geojson|csv|gpkg>`: a registered layer as a file."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from commun.api import json_error
from commun.exports import EXPORT_LAYERS, FORMATS, ExportIndisponible, export_response
from commun.filters import filter_bbox


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
