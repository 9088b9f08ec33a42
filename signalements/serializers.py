from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework_gis.fields import GeoJsonDict
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from commun.api import ApiGeometryField
from commun.geometry import GeometrieRefusee, Rules
from commun.pagination import SqlFeature, sql_iso_datetime
from territoire.models import Acteur, Secteur
from territoire.services import take_geometry

from .models import Categorie, Photo, Signalement, Statut
from .services import configuration, placement

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
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well formed, but no such date (month 13, 30 February)
                parsed = None
            if parsed is None:
                self.fail("invalid")
            if parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class CategorieField(serializers.SlugRelatedField):
    """An active category by its slug, read from the process's copy of the categories
    (signalements.services.configuration): no query per report."""

    def to_internal_value(self, data):
        categorie = configuration().categories.get(data) if isinstance(data, str) else None
        if categorie is None or not categorie.actif:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:80])
        return categorie


class ProprietesSignalement(serializers.Serializer):
    uuid = serializers.UUIDField(error_messages={"invalid": "« {value} » n'est pas un UUID valide."})
    categorie = CategorieField(
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
            return take_geometry(value, POINT_RULES, annotations=placement)
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


def list_feature_sql():
    """`SignalementListSerializer`'s feature, written by PostGIS for a page's rows `p`
    (see commun.pagination.sql_feature_page; a test checks that both agree)."""
    labels = " ".join("WHEN %s THEN %s" for _ in Statut.choices)
    params = tuple(v for value, label in Statut.choices for v in (value, str(label)))
    json = f"""json_build_object(
        'id', p.uuid, 'type', 'Feature',
        'geometry', ST_AsGeoJSON(ST_Transform(p.geom, 4326), 7)::json,
        'properties', json_build_object(
            'categorie', c.slug,
            'categorie_nom', CASE WHEN cp.id IS NULL THEN c.nom ELSE cp.nom || ' › ' || c.nom END,
            'statut', p.statut,
            'statut_libelle', CASE p.statut {labels} END,
            'acteur', a.slug,
            'acteur_nom', CASE WHEN a.id IS NULL THEN NULL ELSE coalesce(nullif(a.sigle, ''), a.nom) END,
            'secteur', s.slug,
            'source', p.source,
            'observe_le', {sql_iso_datetime("p.observe_le")},
            'cree_le', {sql_iso_datetime("p.cree_le")},
            'echeance', {sql_iso_datetime("p.echeance")},
            'sensible', p.sensible))"""
    joins = (
        f'JOIN {Categorie._meta.db_table} c ON c.id = p.categorie_id '
        f'LEFT JOIN {Categorie._meta.db_table} cp ON cp.id = c.parent_id '
        f'LEFT JOIN {Acteur._meta.db_table} a ON a.id = p.acteur_id '
        f'LEFT JOIN {Secteur._meta.db_table} s ON s.id = p.secteur_id'
    )
    return SqlFeature(json=json, joins=joins, params=params)


_datetime = serializers.DateTimeField()


def created_feature(signalement, wgs84):
    """What `SignalementSerializer` writes for a report just created, written from memory
    (no photo yet, no duplicate, not resolved; `wgs84` is the point received): the
    report's POST answers without building a serializer (a test checks both agree)."""
    categorie, acteur, secteur = signalement.categorie, signalement.acteur, signalement.secteur
    return {
        "id": str(signalement.uuid),
        "type": "Feature",
        "geometry": GeoJsonDict(wgs84.geojson),
        "properties": {
            "categorie": categorie.slug,
            "categorie_nom": str(categorie),
            "statut": signalement.statut,
            "statut_libelle": signalement.get_statut_display(),
            "acteur": acteur.slug if acteur else None,
            "acteur_nom": str(acteur) if acteur else None,
            "secteur": secteur.slug if secteur else None,
            "source": signalement.source,
            "observe_le": _datetime.to_representation(signalement.observe_le),
            "cree_le": _datetime.to_representation(signalement.cree_le),
            "echeance": _datetime.to_representation(signalement.echeance) if signalement.echeance else None,
            "sensible": signalement.sensible,
            "description": signalement.description,
            "precision_m": signalement.precision_m,
            "resolu_le": None,
            "doublon_de": None,
            "photos": [],
            "photos_manquantes": list(signalement.photos_attendues),
        },
    }
