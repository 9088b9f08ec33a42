from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from commun import roles
from commun.api import ApiGeometryField

from .models import Chantier, Proposition


class ChantierSerializer(GeoFeatureModelSerializer):
    """An operation as a GeoJSON Feature (WGS84, reprojected by PostGIS)."""

    geom = ApiGeometryField()
    type_libelle = serializers.CharField(source="get_type_display", read_only=True)
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    maitre_ouvrage = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    maitre_ouvrage_nom = serializers.CharField(source="maitre_ouvrage.nom", read_only=True)
    financeurs = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    en_retard = serializers.BooleanField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Chantier
        geo_field = "geom"
        fields = [
            "id", "nom", "type", "type_libelle", "statut", "statut_libelle", "maitre_ouvrage",
            "maitre_ouvrage_nom", "adresse", "debut_prevu", "fin_prevue", "debut_reel", "fin_reelle",
            "en_retard", "logements_demolis", "logements_rehabilites", "logements_construits",
            "budget", "financeurs", "heures_insertion_prevues", "heures_insertion_realisees",
            "beneficiaires_qpv", "demonstration", "url",
        ]


class PropositionSerializer(GeoFeatureModelSerializer):
    """A proposal for a friche. Its geometry is the sketch, or the friche's point when none.

    The author's name is shown to pilots only: the public sees what was proposed, and
    whether it came from the conseil citoyen, never who.
    """

    geom = ApiGeometryField()
    friche_nom = serializers.CharField(source="friche.nom", read_only=True)
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    croquis = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposition
        geo_field = "geom"
        fields = ["id", "friche", "friche_nom", "titre", "texte", "statut", "statut_libelle",
                  "conseil_citoyen", "croquis", "photo", "cree_le", "demonstration", "url"]

    def get_croquis(self, obj) -> bool:
        return obj.geom is not None

    def get_photo(self, obj) -> str | None:
        return obj.photo.url if obj.photo else None

    def get_url(self, obj) -> str:
        return f"{obj.friche.get_absolute_url()}#proposition-{obj.pk}"

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and roles.is_pilote(request.user):
            author = instance.auteur
            data["properties"]["auteur"] = author.get_full_name() or author.username if author else None
        return data
