"""REST API of field reports: idempotent creation, photos, duplicates, history."""

import json
import math
import uuid as uuidlib

from django.conf import settings
from django.contrib.gis.geos import Point
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from commun import photos as photo_intake
from commun import roles
from commun.api import RawPhotoParser, conflict, photo_from_request
from commun.filters import BBoxFilter
from commun.geometry import with_api_geom
from commun.idempotence import Conflit
from commun.permissions import SignedIn
from commun.routeurs import replica_reads
from commun.schema import PHOTO_REQUEST, PhotoRecue
from commun.validation import BoundedJSONParser, parse_uuid

from . import services
from .filters import SignalementFilter
from .indicateurs import resolved_by_sector_cached
from .models import Categorie, Evenement, Signalement, Source
from .permissions import can_act, can_report, can_view, visible_signalements
from .serializers import (
    CategorieSerializer,
    SignalementFeatureInput,
    SignalementListSerializer,
    SignalementSerializer,
    created_feature,
    list_feature_sql,
)

MES_SIGNALEMENTS = 30


class CategorieViewSet(viewsets.ReadOnlyModelViewSet):
    """The two-level category list (the phone form's grid)."""

    serializer_class = CategorieSerializer
    queryset = Categorie.objects.filter(actif=True).select_related("parent", "acteur_defaut")
    pagination_class = None
    lookup_field = "slug"


def source_for(user):
    if roles.is_agent(user) or roles.is_pilote(user):
        return Source.AGENT
    return Source.SERVICE


class SignalementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reports visible to the user. POST is idempotent on the client's UUID."""

    permission_classes = [SignedIn]
    filter_backends = [DjangoFilterBackend, BBoxFilter]
    filterset_class = SignalementFilter
    lookup_field = "uuid"
    parser_classes = [BoundedJSONParser]

    keyset_ordering = ("-cree_le", "-id")

    def get_queryset(self):
        if self.action == "list":  # the page's JSON is written by PostGIS (see list)
            return visible_signalements(self.request.user, Signalement.objects.all())
        qs = Signalement.objects.select_related("categorie__parent", "acteur", "secteur")
        if self.action == "retrieve":
            qs = qs.select_related("doublon_de").prefetch_related("photos__signalement")
        return with_api_geom(visible_signalements(self.request.user, qs))

    def get_serializer_class(self):
        return SignalementListSerializer if self.action == "list" else SignalementSerializer

    def list(self, request, *args, **kwargs):
        """One SQL statement per page: the filtered rows after the cursor, LIMIT n+1, and
        PostGIS writes the features (the list serializer's, field for field) with
        `json_build_object`/`json_agg`; joins to categories, acteurs and sectors are made
        for the page's rows only. No count. The bbox is transformed once to Lambert-93
        and tested on the native geometry's index."""
        with replica_reads():
            qs = self.filter_queryset(self.get_queryset())
            return self.paginator.sql_response(qs, request, self, list_feature_sql())

    def get_object(self):
        try:
            uuidlib.UUID(str(self.kwargs["uuid"]))
        except ValueError:
            raise NotFound("Identifiant de signalement invalide.") from None
        return super().get_object()

    @extend_schema(request=SignalementFeatureInput, responses={201: SignalementSerializer,
                                                                200: SignalementSerializer})
    def create(self, request, *args, **kwargs):
        if not can_report(request.user):
            raise PermissionDenied("Votre compte ne permet pas de créer des signalements.")
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Attendu un objet GeoJSON « Feature »."]})
        payload = SignalementFeatureInput(data=request.data)
        payload.is_valid(raise_exception=True)
        props = payload.validated_data["properties"]
        try:
            signalement, created = services.receive_signalement(
                request.user, geometry=payload.validated_data["geometry"], categorie=props["categorie"],
                observe_le=props["observe_le"], description=props["description"],
                precision_m=props["precision_m"], uuid=props["uuid"], photos=props["photos"],
                source=source_for(request.user),
            )
        except Conflit as exc:
            return conflict(str(exc))
        if created:
            return self._respond_created(signalement, payload.validated_data["geometry"].wgs84)
        return self._respond(signalement, status.HTTP_200_OK)

    def _respond_created(self, signalement, wgs84):
        """The new report as the detail serializer writes it, from what is in memory: its
        author may see it (visibility always includes one's own reports), it has no photo
        yet, and its position is the point received (stored in Lambert-93 by PostGIS)."""
        return Response(created_feature(signalement, wgs84), status=status.HTTP_201_CREATED)

    def _respond(self, signalement, code):
        obj = self.get_queryset().get(pk=signalement.pk) if can_view(self.request.user, signalement) else None
        if obj is None:  # cannot happen for the author; never leak someone else's report
            return Response({"uuid": str(signalement.uuid)}, status=code)
        return Response(SignalementSerializer(obj, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", float, required=True), OpenApiParameter("lat", float, required=True),
            OpenApiParameter("categorie", str, required=True),
        ],
        responses=SignalementListSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def proches(self, request):
        """« Déjà signalé ? » Open reports of this category within 50 m from the last 30 days."""
        errors = {}
        try:
            lon = float(request.query_params.get("lon", ""))
            lat = float(request.query_params.get("lat", ""))
        except ValueError:
            errors["lon"] = ["lon et lat sont requis (degrés WGS84)."]
        else:
            if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
                errors["lon"] = ["lon et lat doivent être des degrés WGS84 finis (longitude ±180, latitude ±90)."]
        slug = request.query_params.get("categorie", "")
        categorie = Categorie.objects.filter(slug=slug).first()
        if categorie is None:
            errors["categorie"] = [f"Catégorie inconnue : « {slug} »."]
        if errors:
            raise ValidationError(errors)
        point = Point(lon, lat, srid=settings.API_SRID)
        sauf = request.query_params.get("sauf") or None
        if sauf:
            try:
                sauf = uuidlib.UUID(sauf)
            except ValueError:
                raise ValidationError({"sauf": ["« sauf » attend l'identifiant (UUID) d'un signalement."]}) from None
        qs = services.find_nearby_duplicates(
            categorie, point, queryset=visible_signalements(request.user, Signalement.objects.all()),
            exclude_uuid=sauf,
        )
        qs = with_api_geom(qs.select_related("categorie__parent", "acteur", "secteur"))[:5]
        features = SignalementListSerializer(qs, many=True).data
        for feature, obj in zip(features["features"], qs, strict=True):
            feature["properties"]["distance_m"] = round(obj.distance.m, 1)
            feature["properties"]["description"] = obj.description[:140]
            feature["properties"]["confirmations"] = obj.evenements.filter(
                type=Evenement.Type.CONFIRMATION).count()
        return Response(features)

    @extend_schema(responses=inline_serializer("MesSignalements", {
        "synchronise_le": serializers.DateTimeField(),
        "signalements": inline_serializer("MonSignalement", {
            "uuid": serializers.UUIDField(), "categorie_nom": serializers.CharField(),
            "description": serializers.CharField(), "statut": serializers.CharField(),
            "statut_libelle": serializers.CharField(), "cree_le": serializers.DateTimeField(),
            "derniere_etape": serializers.CharField(), "derniere_etape_le": serializers.DateTimeField(),
        }, many=True),
    }))
    @action(detail=False, methods=["get"])
    def miens(self, request):
        """« Mes signalements » : the person's 30 latest reports, each with its status and the
        last change of its history (the phone keeps the answer for use without network)."""
        rows = services.my_recent_signalements(request.user, limit=MES_SIGNALEMENTS)
        return Response({
            "synchronise_le": timezone.now(),
            "signalements": [{
                "uuid": str(s.uuid), "categorie_nom": str(s.categorie), "description": s.description[:140],
                "statut": s.statut, "statut_libelle": s.get_statut_display(), "cree_le": s.cree_le,
                "derniere_etape": s.derniere_etape, "derniere_etape_le": s.derniere_etape_le or s.cree_le,
            } for s in rows],
        })

    @action(detail=True, methods=["post"])
    def confirmations(self, request, uuid=None):
        """« Je l'ai vu aussi » : one confirmation per person (a replay answers 200)."""
        signalement = self.get_object()
        comment = str(request.data.get("commentaire", ""))[:500] if isinstance(request.data, dict) else ""
        event, created = services.confirm(signalement, request.user, comment)
        count = signalement.evenements.filter(type=Evenement.Type.CONFIRMATION).count()
        return Response({"uuid": str(signalement.uuid), "confirmations": count},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PhotoUploadView(APIView):
    """`PUT /api/v1/signalements/<uuid>/photos/<photo_uuid>`: idempotent photo upload.

    The body is the image itself (any image content type) or a multipart form with a
    `photo` file. Same photo UUID and same bytes again: 200; different bytes: 409.
    """

    permission_classes = [SignedIn]
    parser_classes = [MultiPartParser, RawPhotoParser]

    @extend_schema(request=PHOTO_REQUEST, responses={201: PhotoRecue, 200: PhotoRecue})
    def put(self, request, uuid, photo_uuid):
        signalement = get_object_or_404(visible_signalements(request.user), uuid=parse_uuid(uuid, "signalement"))
        if not (signalement.auteur_id == request.user.id or can_act(request.user, signalement)):
            raise PermissionDenied("Seul l'auteur ou le service en charge peut ajouter une photo.")
        raw = photo_from_request(request)
        try:
            photo, created = services.receive_photo(request.user, signalement, photo_uuid, raw)
        except Conflit as exc:
            return conflict(str(exc), field="photo_uuid")
        except photo_intake.PhotoRefusee as exc:
            raise ValidationError({"photo": [str(exc)]}) from None
        return Response(photo_payload(photo), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def photo_payload(photo):
    return {
        "uuid": str(photo.uuid),
        "signalement": str(photo.signalement.uuid),
        "largeur": photo.largeur,
        "hauteur": photo.hauteur,
        "exif_distance_m": photo.exif_distance_m,
        "exif_loin": photo.exif_loin,
    }


class SecteursResolusView(APIView):
    """Public: per sector, the reports resolved in the last 12 months (no sensitive one).

    Only a count per sector leaves the server: no text, no position, no person. Kept in
    the cache until a report changes status (at most 10 minutes).
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        features = [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": json.loads(row["geojson"]),
                "properties": {"nom": row["nom"], "slug": row["slug"],
                               "resolus_12_mois": row["resolus"]},
            }
            for row in resolved_by_sector_cached()
        ]
        return Response({"type": "FeatureCollection", "features": features})
