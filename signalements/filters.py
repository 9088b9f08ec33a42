import django_filters
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from .models import Signalement, Statut


class DateBoundFilter(django_filters.CharFilter):
    """A date or datetime bound with a French error, instead of a silent ignore."""

    def filter(self, qs, value):
        if not value:
            return qs
        parsed = parse_datetime(value) or parse_date(value)
        if parsed is None:
            raise ValidationError({self.field_name_param: [
                f"Date illisible « {value} » : attendu AAAA-MM-JJ ou ISO 8601."]})
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": parsed})

    def __init__(self, *args, param=None, **kwargs):
        self.field_name_param = param
        super().__init__(*args, **kwargs)


class SignalementFilter(django_filters.FilterSet):
    statut = django_filters.MultipleChoiceFilter(choices=Statut.choices)
    categorie = django_filters.CharFilter(method="filter_categorie")
    acteur = django_filters.CharFilter(field_name="acteur__slug")
    secteur = django_filters.CharFilter(field_name="secteur__slug")
    source = django_filters.CharFilter()
    depuis = DateBoundFilter(field_name="cree_le", lookup_expr="gte", param="depuis")
    jusqua = DateBoundFilter(field_name="cree_le", lookup_expr="lte", param="jusqua")

    class Meta:
        model = Signalement
        fields = ["statut", "categorie", "acteur", "secteur", "source"]

    def filter_categorie(self, qs, name, value):
        """A top-level category also selects its sub-categories."""
        from django.db.models import Q

        return qs.filter(Q(categorie__slug=value) | Q(categorie__parent__slug=value))
