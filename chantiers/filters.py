import django_filters

from commun.filters import FlagFilter, FrenchDateFilter, MultipleChoiceCSVFilter

from .models import TERMINES, Chantier, Proposition, Statut, Type, today


class ChantierFilter(django_filters.FilterSet):
    """Filters of the chantiers API; `kind` is an alias of `type` (nature of the operation)."""

    type = MultipleChoiceCSVFilter(choices=Type.choices, label="Nature (une ou plusieurs, séparées par des virgules)")
    kind = MultipleChoiceCSVFilter(field_name="type", choices=Type.choices, label="Alias de type")
    statut = MultipleChoiceCSVFilter(choices=Statut.choices, label="Statut (un ou plusieurs)")
    maitre_ouvrage = django_filters.CharFilter(field_name="maitre_ouvrage__slug", label="Maître d'ouvrage (slug)")
    territoire = django_filters.CharFilter(field_name="territoire__code", label="Code du QPV")
    depuis = FrenchDateFilter(method="filter_period", label="En cours depuis (AAAA-MM-JJ)")
    jusqua = FrenchDateFilter(method="filter_period", label="En cours jusqu'au (AAAA-MM-JJ)")
    friche = django_filters.BooleanFilter(method="filter_friche", label="Friches seulement (true) ou sans (false)")
    demonstration = django_filters.BooleanFilter()
    retard = FlagFilter(method="filter_retard", label="En retard seulement")

    class Meta:
        model = Chantier
        fields = ["type", "kind", "statut", "maitre_ouvrage", "territoire", "depuis", "jusqua", "friche",
                  "demonstration", "retard"]

    def filter_friche(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(type=Type.FRICHE) if value else queryset.exclude(type=Type.FRICHE)

    def filter_retard(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(fin_prevue__lt=today(), fin_reelle__isnull=True).exclude(statut__in=TERMINES)

    def filter_period(self, queryset, name, value):
        if name == "depuis":
            return queryset.during(start=value)
        return queryset.during(end=value)


class PropositionFilter(django_filters.FilterSet):
    friche = django_filters.NumberFilter(field_name="friche_id")
    statut = MultipleChoiceCSVFilter(choices=Proposition.Statut.choices)
    depuis = FrenchDateFilter(field_name="cree_le__date", lookup_expr="gte")
    jusqua = FrenchDateFilter(field_name="cree_le__date", lookup_expr="lte")

    class Meta:
        model = Proposition
        fields = ["friche", "statut", "depuis", "jusqua"]
