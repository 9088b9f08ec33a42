"""REST API of walks: `/api/v1/marches/` and, under each walk, its stops, scores,
annotations and préconisations. Submissions are idempotent on the client's UUID."""

import uuid as uuidlib

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from commun import photos as photo_intake
from commun.api import ListPagination, RawPhotoParser, conflict, photo_from_request
from commun.filters import BBoxFilter
from commun.geometry import with_api_geom
from commun.roles import acteur_ids
from commun.schema import PHOTO_REQUEST
from commun.validation import BoundedJSONParser

from . import services
from .models import Annotation, Etape, MarcheExploratoire, Participant, Preconisation, Reponse, Score
from .permissions import (
    AUTHENTICATION,
    WalkAccess,
    can_answer,
    can_manage,
    check_walk_scope,
    current_participant,
    is_professional,
)
from .serializers import (
    AnnotationInput,
    AnnotationSerializer,
    EtapeSerializer,
    MarcheSerializer,
    PreconisationInput,
    PreconisationSerializer,
    PromotionPreconisationInput,
    PromotionSignalementInput,
    ReponseInput,
    ScoreInput,
    ScoreSerializer,
)

PHOTO_ANNOTATION = inline_serializer("PhotoAnnotationRecue", {"uuid": serializers.UUIDField(),
                                                               "annotation": serializers.UUIDField()})


def count_per_walk(model):
    rows = model.objects.filter(marche=OuterRef("pk")).order_by().values("marche").annotate(n=Count("id"))
    return Coalesce(Subquery(rows.values("n")), 0)


class MarcheViewSet(viewsets.ReadOnlyModelViewSet):
    """Walks (GeoJSON, the planned route as geometry). A participant sees only its walk."""

    serializer_class = MarcheSerializer
    authentication_classes = AUTHENTICATION
    permission_classes = [WalkAccess]
    filter_backends = [DjangoFilterBackend, BBoxFilter]
    filterset_fields = ["moment", "organisateur__slug"]
    bbox_filter_field = "trace"

    def get_queryset(self):
        # One count per table (three joined COUNT(DISTINCT) multiplied stops × participants
        # × annotations: 2.5 s for one walk with 5,000 annotations).
        qs = MarcheExploratoire.objects.select_related("organisateur").annotate(
            nb_etapes=count_per_walk(Etape),
            nb_participants=count_per_walk(Participant),
            nb_annotations=count_per_walk(Annotation),
        )
        if not is_professional(self.request.user):
            participant = current_participant(self.request)
            qs = qs.filter(pk=participant.marche_id if participant else None)
        return with_api_geom(qs, "trace").order_by("-debut")

    def get_object(self):
        if not str(self.kwargs.get("pk", "")).isdigit():
            raise NotFound("Identifiant de marche invalide.")
        return super().get_object()

    @action(detail=True, methods=["get"])
    def participation(self, request, pk=None):
        """Participants by gender and age bracket, and the felt safety by gender: counts only."""
        marche = self.get_object()
        if not is_professional(request.user):
            raise PermissionDenied("Réservé aux professionnels connectés.")
        return Response({**services.participation([marche]),
                         "sentiment_securite_par_genre": services.feeling_by_gender(marche)})

    @extend_schema(operation_id="marches_participation_toutes")
    @action(detail=False, methods=["get"], url_path="participation")
    def participation_totale(self, request):
        if not is_professional(request.user):
            raise PermissionDenied("Réservé aux professionnels connectés.")
        return Response(services.participation(MarcheExploratoire.objects.all()))

    @action(detail=True, methods=["get"])
    def direct(self, request, pk=None):
        """What the facilitator's screen polls: every annotation and the grid so far."""
        marche = self.get_object()
        if not can_manage(request.user):
            raise PermissionDenied("Réservé à l'animation de la marche (pilotes).")
        annotations = with_api_geom(annotation_queryset().filter(marche=marche))
        etapes = list(marche.etapes.all())
        grille = services.grid(marche)
        return Response({
            "genere_le": timezone.now().isoformat(),
            "participants": marche.participants.count(),
            "annotations": AnnotationSerializer(annotations, many=True, context={"request": request}).data,
            "grille": [{"etape": e.pk, "ordre": e.ordre, "nom": e.nom, "criteres": [
                {k: v for k, v in line.items() if k != "commentaires"} for line in grille[e.pk]]} for e in etapes],
        })


def annotation_queryset():
    return Annotation.objects.select_related("marche", "etape", "participant", "preconisation", "signalement")


class WalkScoped:
    """Everything under `/api/v1/marches/<marche_pk>/`: the walk is checked before anything."""

    authentication_classes = AUTHENTICATION
    permission_classes = [WalkAccess]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raw = str(kwargs.get("marche_pk", ""))
        if not raw.isdigit():
            raise NotFound("Identifiant de marche invalide.")
        self.marche = MarcheExploratoire.objects.filter(pk=int(raw)).first()
        if self.marche is None:
            raise NotFound("Marche introuvable.")
        check_walk_scope(request, self.marche)
        participant = current_participant(request)
        self.participant = participant if participant and participant.marche_id == self.marche.pk else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema has no walk
            return self.model.objects.none()
        return self.walk_queryset()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["marche"] = getattr(self, "marche", None)
        context["participant"] = getattr(self, "participant", None)
        return context

    def require_participant(self):
        if self.participant is None:
            raise PermissionDenied("Seul·es les participant·es de la marche peuvent envoyer des annotations "
                                   "et des notes : rejoignez-la avec son code.")
        refus = self.marche.envoi_refuse()
        if refus:
            raise PermissionDenied(refus)
        return self.participant

    def only_mine(self, qs):
        """Professionals see the whole walk; a participant sees only what it sent."""
        if self.participant is not None and not is_professional(self.request.user):
            return qs.filter(participant=self.participant)
        return qs


class EtapeViewSet(WalkScoped, viewsets.ReadOnlyModelViewSet):
    """The stops of the route, in order (GeoJSON)."""

    model = Etape
    serializer_class = EtapeSerializer
    pagination_class = None

    def walk_queryset(self):
        return with_api_geom(Etape.objects.filter(marche=self.marche).order_by("ordre", "id"))


class AnnotationViewSet(WalkScoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Annotations (GeoJSON). POST a Feature (Point, LineString or Polygon) with a client
    `uuid`: 201 the first time, 200 on an identical replay, 409 on a different one."""

    model = Annotation
    serializer_class = AnnotationSerializer
    lookup_field = "uuid"
    parser_classes = [BoundedJSONParser]
    filter_backends = [BBoxFilter]

    def walk_queryset(self):
        qs = self.only_mine(annotation_queryset().filter(marche=self.marche))
        return with_api_geom(qs)

    def get_object(self):
        try:
            uuidlib.UUID(str(self.kwargs["uuid"]))
        except ValueError:
            raise NotFound("Identifiant d'annotation invalide.") from None
        return super().get_object()

    @extend_schema(request=AnnotationInput, responses={201: AnnotationSerializer, 200: AnnotationSerializer})
    def create(self, request, *args, **kwargs):
        participant = self.require_participant()
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Attendu un objet GeoJSON « Feature »."]})
        payload = AnnotationInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        geometry = payload.validated_data["geometry"]
        props = payload.validated_data["properties"]
        try:
            annotation, created = services.record_annotation(
                participant, uuid=props["uuid"], geom=geometry["geom"], repaired=geometry["repaired"],
                geojson=geometry["geojson"], texte=props["texte"], critere=props["critere"], etape=props["etape"],
                observe_le=props["observe_le"], photo_uuid=props["photo"],
            )
        except services.Conflit as exc:
            return conflict(f"{exc} Générez un nouvel UUID.")
        fresh = self.get_queryset().get(pk=annotation.pk)
        return Response(self.get_serializer(fresh).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=PHOTO_REQUEST, responses={201: PHOTO_ANNOTATION, 200: PHOTO_ANNOTATION})
    @action(detail=True, methods=["put"], url_path=r"photos/(?P<photo_uuid>[^/]+)",
            parser_classes=[MultiPartParser, RawPhotoParser])
    def photo(self, request, uuid=None, photo_uuid=None, **kwargs):
        """Idempotent photo: same photo UUID and bytes again → 200; other bytes → 409."""
        participant = self.require_participant()
        try:
            photo_uuid = uuidlib.UUID(str(photo_uuid))
        except ValueError:
            raise NotFound("Identifiant de photo invalide.") from None
        annotation = self.get_object()
        if annotation.participant_id != participant.pk:
            raise PermissionDenied("Seule la personne qui a fait l'annotation peut y joindre une photo.")
        raw = photo_from_request(request)
        try:
            annotation, created = services.attach_photo(annotation, photo_uuid, raw)
        except services.Conflit as exc:
            return conflict(str(exc), field="photo_uuid")
        except photo_intake.PhotoRefusee as exc:
            raise ValidationError({"photo": [str(exc)]}) from None
        return Response({"uuid": str(photo_uuid), "annotation": str(annotation.uuid)},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _pilot_only(self):
        if not can_manage(self.request.user):
            raise PermissionDenied("Réservé aux pilotes.")

    @extend_schema(request=PromotionPreconisationInput, responses={201: PreconisationSerializer})
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser])
    def preconisation(self, request, uuid=None, **kwargs):
        """Turn this annotation into a préconisation (acteur, priority, deadline)."""
        self._pilot_only()
        annotation = self.get_object()
        payload = PromotionPreconisationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            preco = services.promote_to_preconisation(annotation, auteur=request.user, **payload.validated_data)
        except services.ActionRefusee as exc:
            return conflict(str(exc), field="annotation")
        fresh = preconisation_queryset().get(pk=preco.pk)
        return Response(PreconisationSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=PromotionSignalementInput, responses={201: inline_serializer("SignalementCree", {
        "uuid": serializers.UUIDField(), "acteur": serializers.CharField(allow_null=True),
        "statut": serializers.CharField(), "source": serializers.CharField()})})
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser])
    def signalement(self, request, uuid=None, **kwargs):
        """Turn this annotation into a field report (source: the walk), routed as usual."""
        self._pilot_only()
        annotation = self.get_object()
        payload = PromotionSignalementInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            report = services.promote_to_signalement(annotation, auteur=request.user, **payload.validated_data)
        except services.ActionRefusee as exc:
            return conflict(str(exc), field="annotation")
        return Response({"uuid": str(report.uuid), "acteur": report.acteur.slug if report.acteur else None,
                         "statut": report.statut, "source": report.source}, status=status.HTTP_201_CREATED)


class ScoreViewSet(WalkScoped, mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Audit-grid scores (0 to 3). POST `{uuid, etape, critere, valeur, commentaire}`:
    idempotent on `uuid`; a new score of the same criterion at the same stop replaces
    the participant's previous one."""

    model = Score
    serializer_class = ScoreSerializer
    parser_classes = [BoundedJSONParser]
    # Scores are not GeoJSON: numbered pages of `results` (the GeoJSON paginator answered 500).
    pagination_class = ListPagination

    def walk_queryset(self):
        return self.only_mine(
            Score.objects.filter(marche=self.marche, actif=True).select_related("marche").order_by("etape", "critere")
        )

    @extend_schema(request=ScoreInput, responses={201: ScoreSerializer, 200: ScoreSerializer})
    def create(self, request, *args, **kwargs):
        participant = self.require_participant()
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Attendu un objet JSON."]})
        payload = ScoreInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        try:
            score, created = services.record_score(participant, **payload.validated_data)
        except services.Conflit as exc:
            return conflict(f"{exc} Générez un nouvel UUID.")
        return Response(self.get_serializer(score).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @action(detail=False, methods=["get"])
    def grille(self, request, **kwargs):
        """Per stop and criterion: the number of each score 0–3 and the mean."""
        if not is_professional(request.user):
            raise PermissionDenied("Réservé aux professionnels connectés.")
        grille = services.grid(self.marche)
        return Response([{"etape": e.pk, "ordre": e.ordre, "nom": e.nom, "criteres": grille[e.pk]}
                         for e in self.marche.etapes.all()])


def preconisation_queryset():
    return Preconisation.objects.select_related("acteur", "etape", "annotation").prefetch_related(
        Prefetch("reponses", queryset=Reponse.objects.select_related("acteur")))


class PreconisationViewSet(WalkScoped, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                           viewsets.ReadOnlyModelViewSet):
    """Préconisations of the walk (GeoJSON). Pilots write them; members of the responsible
    acteur answer with PATCH `{statut, reponse}` (each answer is kept)."""

    model = Preconisation
    serializer_class = PreconisationSerializer
    parser_classes = [BoundedJSONParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not is_professional(request.user):
            raise PermissionDenied("Réservé aux professionnels connectés.")

    def walk_queryset(self):
        qs = preconisation_queryset().filter(marche=self.marche)
        statut = self.request.query_params.get("statut")
        if statut:
            qs = qs.filter(statut=statut)
        if self.request.query_params.get("mes_acteurs"):
            qs = qs.filter(Q(acteur_id__in=acteur_ids(self.request.user)))
        return with_api_geom(qs)

    def get_object(self):
        if not str(self.kwargs.get("pk", "")).isdigit():
            raise NotFound("Identifiant de préconisation invalide.")
        return super().get_object()

    @extend_schema(request=PreconisationInput, responses={201: PreconisationSerializer})
    def create(self, request, *args, **kwargs):
        if not can_manage(request.user):
            raise PermissionDenied("Seul·es les pilotes rédigent les préconisations.")
        payload = PreconisationInput(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        preco = payload.save(marche=self.marche, cree_par=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=preco.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ReponseInput, responses={200: PreconisationSerializer})
    def partial_update(self, request, *args, **kwargs):
        preco = self.get_object()
        if not can_answer(request.user, preco):
            raise PermissionDenied("Seuls les membres de l'acteur responsable (ou un pilote) peuvent répondre.")
        payload = ReponseInput(data=request.data)
        payload.is_valid(raise_exception=True)
        acteur = preco.acteur if preco.acteur.membres.filter(pk=request.user.pk).exists() else None
        try:
            services.answer(preco, auteur=request.user, acteur=acteur, statut=payload.validated_data["statut"],
                            texte=payload.validated_data["reponse"])
        except services.ActionRefusee as exc:
            raise ValidationError({"reponse": [str(exc)]}) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=preco.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise PermissionDenied("Utilisez PATCH avec {statut, reponse}.")
        return self.partial_update(request, *args, **kwargs)
