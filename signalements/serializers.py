from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from commun.api import ApiGeometryField
from commun.geometry import GeometrieRefusee, Rules
from territoire.services import take_geometry

from .models import Categorie, Photo, Signalement

# A point this close to the perimeter is accepted (GPS jitter at the edge of the QPV).
POINT_RULES = Rules(types=("Point",), max_outside_m=50)
MAX_AGE = timedelta(days=366)


class CategorieSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    acteur_defaut = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Categorie
        fields = ["id", "slug", "nom", "parent", "icone", "delai_jours", "sensible", "acteur_defaut"]


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an explicit offset: a phone's naive local time is ambiguous."""

    default_error_messages = {
        "invalid": "Date illisible : attendu ISO 8601 avec fuseau, ex. 2026-11-25T14:30:00+01:00.",
        "naive": "Indiquez le fuseau horaire (ex. 2026-11-25T14:30:00+01:00) : l'heure est ambiguë sans lui.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is None:
                self.fail("invalid")
            if parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class ProprietesSignalement(serializers.Serializer):
    uuid = serializers.UUIDField(error_messages={"invalid": "« {value} » n'est pas un UUID valide."})
    categorie = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Categorie.objects.filter(actif=True).select_related("parent"),
        error_messages={"does_not_exist": "Catégorie inconnue : « {value} »."},
    )
    description = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")
    precision_m = serializers.FloatField(min_value=0, max_value=10000, required=False, allow_null=True,
                                         default=None)
    observe_le = AwareDateTimeField()
    photos = serializers.ListField(child=serializers.UUIDField(), required=False, default=list,
                                   max_length=10)

    def validate_observe_le(self, value):
        now = timezone.now()
        if value > now + timedelta(minutes=10):
            raise serializers.ValidationError("Date d'observation dans le futur : vérifiez l'horloge du téléphone.")
        if value < now - MAX_AGE:
            raise serializers.ValidationError("Observation de plus d'un an : trop ancienne pour être signalée.")
        return value


class SignalementFeatureInput(serializers.Serializer):
    """A GeoJSON Feature with a Point in WGS84, as PRODUCT.md describes it."""

    type = serializers.ChoiceField(choices=["Feature"], error_messages={
        "invalid_choice": "Attendu un objet GeoJSON de type « Feature »."})
    geometry = serializers.JSONField()
    properties = ProprietesSignalement()

    def validate_geometry(self, value):
        try:
            return take_geometry(value, POINT_RULES)
        except GeometrieRefusee as exc:
            raise serializers.ValidationError(str(exc)) from None


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    miniature = serializers.SerializerMethodField()
    exif_loin = serializers.BooleanField(read_only=True)

    class Meta:
        model = Photo
        fields = ["uuid", "url", "miniature", "largeur", "hauteur", "exif_distance_m", "exif_loin", "cree_le"]

    def get_url(self, photo) -> str:
        return f"/signalements/{photo.signalement.uuid}/photos/{photo.uuid}.jpg"

    def get_miniature(self, photo) -> str:
        return f"/signalements/{photo.signalement.uuid}/photos/{photo.uuid}-mini.jpg"


class SignalementListSerializer(GeoFeatureModelSerializer):
    """Lean features for maps and lists."""

    geom = ApiGeometryField()
    categorie = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    categorie_nom = serializers.CharField(source="categorie.__str__", read_only=True)
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    acteur = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    acteur_nom = serializers.CharField(source="acteur.__str__", read_only=True, default=None, allow_null=True)
    secteur = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Signalement
        geo_field = "geom"
        id_field = "uuid"
        fields = ["uuid", "categorie", "categorie_nom", "statut", "statut_libelle", "acteur", "acteur_nom",
                  "secteur", "source", "observe_le", "cree_le", "echeance", "sensible"]


class SignalementSerializer(SignalementListSerializer):
    """One report, with its photos; what the reporting client reads back."""

    photos = PhotoSerializer(many=True, read_only=True)
    photos_manquantes = serializers.SerializerMethodField()
    doublon_de = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True)

    class Meta(SignalementListSerializer.Meta):
        fields = SignalementListSerializer.Meta.fields + [
            "description", "precision_m", "resolu_le", "doublon_de", "photos", "photos_manquantes",
        ]

    def get_photos_manquantes(self, obj) -> list[str]:
        received = {str(p.uuid) for p in obj.photos.all()}
        return [p for p in obj.photos_attendues if p not in received]
