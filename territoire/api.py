from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from commun.api import ListPagination
from commun.filters import BBoxFilter
from commun.geometry import with_api_geom
from commun.roles import is_staff_member

from .filters import ActeurFilter, EquipementFilter, SecteurFilter
from .models import Acteur, Equipement, Secteur, Territoire
from .serializers import (
    ActeurDetailSerializer,
    ActeurSerializer,
    EquipementSerializer,
    SecteurSerializer,
    TerritoireSerializer,
)

GEO_FILTERS = [DjangoFilterBackend, BBoxFilter]


class TerritoireViewSet(viewsets.ReadOnlyModelViewSet):
    """QPV perimeters (GeoJSON, WGS84)."""

    serializer_class = TerritoireSerializer
    filter_backends = GEO_FILTERS
    filterset_fields = ["code"]

    def get_queryset(self):
        return with_api_geom(Territoire.objects.all())


class SecteurViewSet(viewsets.ReadOnlyModelViewSet):
    """GUSP sectors (GeoJSON, WGS84)."""

    serializer_class = SecteurSerializer
    filter_backends = GEO_FILTERS
    filterset_class = SecteurFilter

    def get_queryset(self):
        return with_api_geom(Secteur.objects.select_related("territoire"))


class ActeurViewSet(viewsets.ReadOnlyModelViewSet):
    """Signatories and services. The routing e-mail is shown to professionals only."""

    queryset = Acteur.objects.select_related("parent")
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActeurFilter
    pagination_class = ListPagination

    def get_serializer_class(self):
        if is_staff_member(self.request.user):
            return ActeurDetailSerializer
        return ActeurSerializer


class EquipementViewSet(viewsets.ReadOnlyModelViewSet):
    """Facilities (GeoJSON, WGS84)."""

    serializer_class = EquipementSerializer
    filter_backends = GEO_FILTERS
    filterset_class = EquipementFilter

    def get_queryset(self):
        return with_api_geom(Equipement.objects.select_related("gestionnaire"))
