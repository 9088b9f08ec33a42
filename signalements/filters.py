from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from commun.filters import MultipleChoiceCSVFilter

from .models import Signalement, Statut


class DateBoundFilter(django_filters.CharFilter):
    """A date or datetime bound with a French error, instead of a silent ignore."""

    def filter(self, qs, value):
        if not value:
            return qs
        try:
            # Python 3.11 reads "2026-11-25" as a datetime at midnight: try the day first.
            parsed = parse_date(value) if len(value.strip()) == 10 else parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({self.field_name_param: [
                f"Date illisible « {value} » : attendu AAAA-MM-JJ ou ISO 8601."]})
        lookup = self.lookup_expr
        if not isinstance(parsed, datetime):
            # A bare date means the whole local day, up to its last second for "jusqu'à".
            if lookup == "lte":
                parsed, lookup = parsed + timedelta(days=1), "lt"
            parsed = datetime.combine(parsed, time.min)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return qs.filter(**{f"{self.field_name}__{lookup}": parsed})

    def __init__(self, *args, param=None, **kwargs):
        self.field_name_param = param
        super().__init__(*args, **kwargs)


class SignalementFilter(django_filters.FilterSet):
    statut = MultipleChoiceCSVFilter(choices=Statut.choices)
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
