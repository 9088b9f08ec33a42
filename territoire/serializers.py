from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from commun.api import ApiGeometryField

from .models import Acteur, Equipement, Secteur, Territoire


class TerritoireSerializer(GeoFeatureModelSerializer):
    geom = ApiGeometryField()
    attribution = serializers.CharField(read_only=True)

    class Meta:
        model = Territoire
        geo_field = "geom"
        fields = ["id", "code", "nom", "commune", "code_insee", "demonstration", "source",
                  "attribution", "importe_le"]


class SecteurSerializer(GeoFeatureModelSerializer):
    geom = ApiGeometryField()
    territoire = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Secteur
        geo_field = "geom"
        fields = ["id", "nom", "slug", "territoire", "demonstration"]


class ActeurSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Acteur
        fields = ["id", "nom", "sigle", "slug", "type", "parent", "signataire"]


class ActeurDetailSerializer(ActeurSerializer):
    """Routing address, for signed-in professionals only."""

    class Meta(ActeurSerializer.Meta):
        fields = ActeurSerializer.Meta.fields + ["email"]


class EquipementSerializer(GeoFeatureModelSerializer):
    geom = ApiGeometryField()
    gestionnaire = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Equipement
        geo_field = "geom"
        fields = ["id", "nom", "type", "adresse", "gestionnaire", "description", "demonstration"]
