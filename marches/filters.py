"""Filters of the walks' layers (exports and OGC collections)."""

import django_filters

from .models import Annotation, MarcheExploratoire, Moment


class MarcheFilter(django_filters.FilterSet):
    moment = django_filters.ChoiceFilter(choices=Moment.choices, label="Moment (jour, nuit)")
    organisateur = django_filters.CharFilter(field_name="organisateur__slug", label="Acteur organisateur (slug)")

    class Meta:
        model = MarcheExploratoire
        fields = ["moment", "organisateur"]


class AnnotationFilter(django_filters.FilterSet):
    marche = django_filters.NumberFilter(field_name="marche_id", label="Marche (identifiant)")
    critere = django_filters.CharFilter(label="Critère de la grille (slug)")

    class Meta:
        model = Annotation
        fields = ["marche", "critere"]
