"""One filter set for reports: the API list, the triage page, the map and the exports."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from commun.filters import DateBoundFilter, FlagFilter, MultipleChoiceCSVFilter

from .models import OUVERTS, Categorie, Signalement, Statut

# `statut=ouverts` is every status that still waits for someone.
STATUT_CHOICES = [("ouverts", "Ouverts (nouveau, transmis, en cours)"), *Statut.choices]


class StatutFilter(MultipleChoiceCSVFilter):
    def filter(self, qs, value):
        if value and "ouverts" in value:
            value = [v for v in value if v != "ouverts"] + [str(s) for s in OUVERTS]
        return super().filter(qs, value)


class SignalementFilter(django_filters.FilterSet):
    statut = StatutFilter(choices=STATUT_CHOICES, label="Statut")
    categorie = django_filters.CharFilter(method="filter_categorie", label="Catégorie")
    acteur = django_filters.CharFilter(field_name="acteur__slug", label="Acteur")
    secteur = django_filters.CharFilter(field_name="secteur__slug", label="Secteur")
    source = django_filters.CharFilter(label="Source")
    depuis = DateBoundFilter(field_name="cree_le", lookup_expr="gte", label="Depuis le")
    jusqua = DateBoundFilter(field_name="cree_le", lookup_expr="lte", label="Jusqu'au")
    en_retard = FlagFilter(method="filter_en_retard", label="En retard seulement")

    class Meta:
        model = Signalement
        fields = ["statut", "categorie", "acteur", "secteur", "source"]

    def filter_categorie(self, qs, name, value):
        """A top-level category also selects its sub-categories."""
        return qs.filter(Q(categorie__slug=value) | Q(categorie__parent__slug=value))

    def filter_en_retard(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(statut__in=OUVERTS, echeance__lt=timezone.now())


def category_choices():
    return [(c.slug, c.nom) for c in Categorie.objects.filter(parent__isnull=True, actif=True)]
