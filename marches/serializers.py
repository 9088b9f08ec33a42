"""Walks in and out of the API: GeoJSON in WGS84, French messages, no participant named."""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from commun import roles
from commun.api import ApiGeometryField
from commun.geometry import GeometrieRefusee
from signalements.models import Categorie
from territoire.models import Acteur
from territoire.services import take_geometry

from .models import Annotation, Etape, MarcheExploratoire, Preconisation, Priorite, Reponse, Score
from .models import StatutPreconisation as Statut
from .services import ANNOTATION_RULES

MAX_AGE = timedelta(days=30)


def _is_pilote(context):
    request = context.get("request")
    return bool(request and roles.is_pilote(request.user))


class MarcheSerializer(GeoFeatureModelSerializer):
    """A walk, with its planned route as geometry. The code only for pilots."""

    trace = ApiGeometryField()
    moment_libelle = serializers.CharField(source="get_moment_display", read_only=True)
    organisateur = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    organisateur_nom = serializers.CharField(source="organisateur.__str__", read_only=True, default=None,
                                             allow_null=True)
    etat = serializers.CharField(read_only=True)
    nb_etapes = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    nb_participants = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    nb_annotations = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MarcheExploratoire
        geo_field = "trace"
        fields = ["id", "titre", "debut", "fin", "moment", "moment_libelle", "organisateur", "organisateur_nom",
                  "theme", "etat", "criteres", "nb_etapes", "nb_participants", "nb_annotations", "url"]

    def get_url(self, obj) -> str:
        return reverse("marche-detail-page", args=[obj.pk])

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if _is_pilote(self.context):
            data["properties"]["code"] = instance.code
            data["properties"]["code_expire_le"] = instance.code_expire_le.isoformat()
        return data


class EtapeSerializer(GeoFeatureModelSerializer):
    geom = ApiGeometryField()

    class Meta:
        model = Etape
        geo_field = "geom"
        fields = ["id", "ordre", "nom", "description"]


class AnnotationSerializer(GeoFeatureModelSerializer):
    geom = ApiGeometryField()
    type_geometrie = serializers.SerializerMethodField()
    etape_nom = serializers.CharField(source="etape.nom", read_only=True, default=None, allow_null=True)
    critere_nom = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
    miniature = serializers.SerializerMethodField()
    photo_manquante = serializers.BooleanField(read_only=True)
    de_moi = serializers.SerializerMethodField()
    participant = serializers.SerializerMethodField()

    class Meta:
        model = Annotation
        geo_field = "geom"
        id_field = "uuid"
        fields = ["uuid", "type_geometrie", "etape", "etape_nom", "texte", "critere", "critere_nom", "observe_le",
                  "cree_le", "geometrie_reparee", "photo_uuid", "photo", "miniature", "photo_manquante", "de_moi",
                  "participant"]

    def get_type_geometrie(self, obj) -> str:
        return obj.geom.geom_type

    def get_critere_nom(self, obj) -> str | None:
        return obj.marche.critere_nom(obj.critere) if obj.critere else None

    def get_photo(self, obj) -> str | None:
        return reverse("marche-photo", args=[obj.marche_id, obj.uuid]) if obj.photo else None

    def get_miniature(self, obj) -> str | None:
        return reverse("marche-photo-mini", args=[obj.marche_id, obj.uuid]) if obj.photo else None

    def get_de_moi(self, obj) -> bool:
        me = self.context.get("participant")
        return bool(me and me.pk == obj.participant_id)

    def get_participant(self, obj) -> str | None:
        """A label for the facilitator's screen only; never a name elsewhere."""
        if not _is_pilote(self.context):
            return None
        return obj.participant.pseudo or f"Participant·e n° {obj.participant_id}"

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request and roles.is_staff_member(request.user):
            props = data["properties"]
            props["signalement"] = str(instance.signalement.uuid) if instance.signalement_id else None
            props["preconisation"] = getattr(getattr(instance, "preconisation", None), "pk", None)
        return data


class ProprietesAnnotation(serializers.Serializer):
    uuid = serializers.UUIDField(error_messages={"invalid": "« {value} » n'est pas un UUID valide."})
    texte = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    critere = serializers.CharField(max_length=60, allow_blank=True, required=False, default="")
    etape = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     error_messages={"invalid": "Étape : attendu le numéro (id) d'une étape."})
    observe_le = serializers.DateTimeField(required=False, allow_null=True, default=None, error_messages={
        "invalid": "Date illisible : attendu ISO 8601 avec fuseau, ex. 2026-11-25T21:30:00+01:00."})
    photo = serializers.UUIDField(required=False, allow_null=True, default=None,
                                  error_messages={"invalid": "Identifiant de photo invalide (UUID attendu)."})

    def validate_critere(self, value):
        marche = self.context["marche"]
        if value and value not in marche.critere_slugs():
            raise serializers.ValidationError(
                f"Critère inconnu pour cette marche : « {value} ». Attendu : {', '.join(marche.critere_slugs())}.")
        return value

    def validate_etape(self, value):
        if value is None:
            return None
        etape = self.context["marche"].etapes.filter(pk=value).first()
        if etape is None:
            raise serializers.ValidationError(f"L'étape {value} n'appartient pas à cette marche.")
        return etape

    def validate_observe_le(self, value):
        if value is None:
            return None
        now = timezone.now()
        if value > now + timedelta(minutes=10):
            raise serializers.ValidationError("Date dans le futur : vérifiez l'horloge du téléphone.")
        if value < now - MAX_AGE:
            raise serializers.ValidationError("Date trop ancienne pour cette marche.")
        return value


class AnnotationInput(serializers.Serializer):
    """A GeoJSON Feature: Point, LineString or Polygon in WGS84."""

    type = serializers.ChoiceField(choices=["Feature"], error_messages={
        "invalid_choice": "Attendu un objet GeoJSON de type « Feature »."})
    geometry = serializers.JSONField(allow_null=True)
    properties = ProprietesAnnotation()

    def validate_geometry(self, value):
        try:
            taken = take_geometry(value, ANNOTATION_RULES)
        except GeometrieRefusee as exc:
            raise serializers.ValidationError(str(exc)) from None
        # The fingerprint of a replay is computed on the geometry as read (2D, repaired).
        return {"geojson": json.loads(taken.wgs84.json), "geom": taken.geom, "repaired": taken.repaired}


class ScoreSerializer(serializers.ModelSerializer):
    critere_nom = serializers.SerializerMethodField()

    class Meta:
        model = Score
        fields = ["uuid", "etape", "critere", "critere_nom", "valeur", "commentaire", "actif", "cree_le"]

    def get_critere_nom(self, obj) -> str | None:
        return obj.marche.critere_nom(obj.critere)


class ScoreInput(serializers.Serializer):
    uuid = serializers.UUIDField(error_messages={"invalid": "« {value} » n'est pas un UUID valide."})
    etape = serializers.IntegerField(error_messages={"invalid": "Étape : attendu le numéro (id) d'une étape.",
                                                     "required": "Indiquez l'étape notée."})
    critere = serializers.CharField(max_length=60, error_messages={"required": "Indiquez le critère noté."})
    valeur = serializers.IntegerField(error_messages={
        "invalid": "La note doit être un nombre entier de 0 à 3.", "required": "Indiquez la note (0 à 3)."})
    commentaire = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")

    def validate_valeur(self, value):
        if not 0 <= value <= 3:
            raise serializers.ValidationError(f"Note {value} impossible : chaque critère se note de 0 à 3.")
        return value

    def validate_critere(self, value):
        marche = self.context["marche"]
        if value not in marche.critere_slugs():
            raise serializers.ValidationError(
                f"Critère inconnu pour cette marche : « {value} ». Attendu : {', '.join(marche.critere_slugs())}.")
        return value

    def validate_etape(self, value):
        etape = self.context["marche"].etapes.filter(pk=value).first()
        if etape is None:
            raise serializers.ValidationError(f"L'étape {value} n'appartient pas à cette marche.")
        return etape


class ReponseSerializer(serializers.ModelSerializer):
    acteur = serializers.CharField(source="acteur.__str__", read_only=True, default=None, allow_null=True)
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)

    class Meta:
        model = Reponse
        fields = ["statut", "statut_libelle", "texte", "acteur", "cree_le"]


class PreconisationSerializer(GeoFeatureModelSerializer):
    geom = ApiGeometryField(allow_null=True)
    acteur = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    acteur_nom = serializers.CharField(source="acteur.__str__", read_only=True)
    etape_nom = serializers.CharField(source="etape.nom", read_only=True, default=None, allow_null=True)
    annotation = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    priorite_libelle = serializers.CharField(source="get_priorite_display", read_only=True)
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    reponses = ReponseSerializer(many=True, read_only=True)
    en_retard = serializers.BooleanField(read_only=True)

    class Meta:
        model = Preconisation
        geo_field = "geom"
        fields = ["id", "etape", "etape_nom", "annotation", "probleme", "proposition", "acteur", "acteur_nom",
                  "priorite", "priorite_libelle", "echeance", "statut", "statut_libelle", "en_retard", "reponses",
                  "mis_a_jour_le"]


class PreconisationInput(serializers.ModelSerializer):
    """A préconisation written by a pilot without an annotation (e.g. from the debriefing)."""

    acteur = serializers.SlugRelatedField(
        slug_field="slug", queryset=Acteur.objects.all(),
        error_messages={"does_not_exist": "Acteur inconnu : « {value} ».",
                        "required": "Indiquez l'acteur responsable."})
    priorite = serializers.ChoiceField(choices=Priorite.choices, default=Priorite.MOYENNE, error_messages={
        "invalid_choice": "Priorité inconnue « {input} » : haute, moyenne ou basse."})

    class Meta:
        model = Preconisation
        fields = ["etape", "probleme", "proposition", "acteur", "priorite", "echeance"]
        extra_kwargs = {
            "probleme": {"error_messages": {"required": "Décrivez le constat.", "blank": "Décrivez le constat."}},
            "proposition": {"error_messages": {"required": "Écrivez la préconisation.",
                                               "blank": "Écrivez la préconisation."}},
            "echeance": {"error_messages": {"invalid": "Échéance illisible : attendu AAAA-MM-JJ."}},
            "etape": {"error_messages": {"does_not_exist": "Étape inconnue : {pk_value}."}},
        }

    def validate_etape(self, value):
        if value is not None and value.marche_id != self.context["marche"].pk:
            raise serializers.ValidationError("Cette étape n'appartient pas à cette marche.")
        return value


class PromotionPreconisationInput(serializers.Serializer):
    acteur = serializers.SlugRelatedField(
        slug_field="slug", queryset=Acteur.objects.all(),
        error_messages={"does_not_exist": "Acteur inconnu : « {value} ».",
                        "required": "Indiquez l'acteur responsable."})
    proposition = serializers.CharField(max_length=2000, error_messages={
        "required": "Écrivez la préconisation.", "blank": "Écrivez la préconisation."})
    priorite = serializers.ChoiceField(choices=Priorite.choices, default=Priorite.MOYENNE, error_messages={
        "invalid_choice": "Priorité inconnue « {input} » : haute, moyenne ou basse."})
    echeance = serializers.DateField(required=False, allow_null=True, default=None,
                                     error_messages={"invalid": "Échéance illisible : attendu AAAA-MM-JJ."})


class PromotionSignalementInput(serializers.Serializer):
    categorie = serializers.SlugRelatedField(
        slug_field="slug", queryset=Categorie.objects.filter(actif=True).select_related("parent"),
        error_messages={"does_not_exist": "Catégorie inconnue : « {value} ».",
                        "required": "Indiquez la catégorie du signalement."})
    description = serializers.CharField(max_length=900, allow_blank=True, required=False, default="")


class ReponseInput(serializers.Serializer):
    statut = serializers.ChoiceField(choices=Statut.choices, required=False, allow_blank=True, default="",
                                     error_messages={"invalid_choice": "Statut inconnu « {input} »."})
    reponse = serializers.CharField(max_length=3000, error_messages={
        "required": "Écrivez la réponse.", "blank": "Écrivez la réponse."})
