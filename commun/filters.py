"""Filters shared by the APIs: French errors, comma-separated choices."""

import django_filters
from django import forms


class FrenchDateFilter(django_filters.DateFilter):
    """An ISO date whose error message says what is expected, in French."""

    field_class = forms.DateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid": "Date illisible : format attendu AAAA-MM-JJ (ISO 8601)."}
        )
        super().__init__(*args, **kwargs)


class MultipleChoiceCSVFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`?statut=travaux,etudes`: one or several values, comma-separated."""
