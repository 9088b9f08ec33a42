import django_filters

from .models import Acteur, Equipement, Secteur


class SecteurFilter(django_filters.FilterSet):
    territoire = django_filters.CharFilter(field_name="territoire__code")

    class Meta:
        model = Secteur
        fields = ["territoire", "slug"]


class ActeurFilter(django_filters.FilterSet):
    class Meta:
        model = Acteur
        fields = ["type", "signataire"]


class EquipementFilter(django_filters.FilterSet):
    territoire = django_filters.CharFilter(field_name="territoire__code")
    type = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Equipement
        fields = ["territoire", "type"]
