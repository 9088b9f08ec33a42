"""The naive DRF-gis list the benchmark compares ours with: a GeoFeatureModelSerializer
over model instances (select_related, the geometry reprojected by PostGIS), page numbers
with an exact COUNT, the bbox as DRF-gis' InBBoxFilter would test it. Served only by
the benchmark's settings (bench/settings.py), never by the application."""

from django.urls import include, path
from rest_framework import viewsets
from rest_framework_gis.pagination import GeoJsonPagination

from commun.filters import BBoxFilter
from commun.geometry import with_api_geom
from commun.permissions import SignedIn
from signalements.models import Signalement
from signalements.permissions import visible_signalements
from signalements.serializers import SignalementListSerializer


class NaivePagination(GeoJsonPagination):
    page_size_query_param = "page_size"
    max_page_size = 5000


class NaiveSignalementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SignalementListSerializer
    permission_classes = [SignedIn]
    pagination_class = NaivePagination
    filter_backends = [BBoxFilter]

    def get_queryset(self):
        qs = Signalement.objects.select_related("categorie__parent", "acteur", "secteur").order_by("-cree_le", "-id")
        return with_api_geom(visible_signalements(self.request.user, qs))


urlpatterns = [
    path("banc/naif/signalements/", NaiveSignalementViewSet.as_view({"get": "list"})),
    path("", include("config.urls")),
]
