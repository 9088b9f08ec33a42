"""REST API of the renewal programme: `/api/v1/chantiers/`, `/api/v1/propositions/`.

Read-only GeoJSON in WGS84 (reprojected by PostGIS); operations are edited through the
pilots' pages, proposals are posted from a friche's page.
"""

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface, Transform
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from commun.filters import BBoxFilter
from commun.geometry import api_geom, with_api_geom
from territoire.models import Acteur

from .filters import ChantierFilter, PropositionFilter
from .models import Chantier
from .permissions import visible_propositions
from .serializers import ChantierSerializer, PropositionSerializer


class ChantierViewSet(viewsets.ReadOnlyModelViewSet):
    """Operations of the renewal programme (GeoJSON, WGS84).

    Filters: `type` (or `kind`), `statut` (comma-separated values), `maitre_ouvrage`
    (slug), `depuis`/`jusqua` (operations under way in that period), `friche`, `bbox`.
    Exports of the same list: `/api/v1/exports/chantiers.<geojson|csv|gpkg>`.
    """

    serializer_class = ChantierSerializer
    filter_backends = [DjangoFilterBackend, BBoxFilter]
    filterset_class = ChantierFilter

    def get_queryset(self):
        qs = Chantier.objects.select_related("maitre_ouvrage").prefetch_related(
            Prefetch("financeurs", queryset=Acteur.objects.only("id", "slug"))
        )
        return with_api_geom(qs).order_by("debut_prevu", "nom", "id")


class PropositionViewSet(viewsets.ReadOnlyModelViewSet):
    """Residents' proposals for the friches: the published ones (and, signed in, one's own;
    every one for pilots). The geometry is the sketch, or the friche's point without one.
    """

    serializer_class = PropositionSerializer
    filter_backends = [DjangoFilterBackend, BBoxFilter]
    filterset_class = PropositionFilter
    bbox_filter_field = "friche__geom"

    def get_queryset(self):
        qs = visible_propositions(self.request.user).select_related("friche", "auteur")
        geom = Coalesce(api_geom("geom"), Transform(PointOnSurface("friche__geom"), settings.API_SRID))
        return qs.annotate(geom_api=geom).order_by("-cree_le", "-id")
