"""Query-string filters shared by every list (API, pages, exports): the WGS84 bbox,
date bounds and comma-separated choices, each refusing bad input in French."""

import math
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters

# Dates outside these years are typing mistakes, and beyond PostgreSQL's or Python's range.
MIN_YEAR, MAX_YEAR = 1900, 2200


def parse_bbox(raw):
    """Parse `minLon,minLat,maxLon,maxLat` (WGS84) into a Polygon tagged 4326.

    DRF-gis' InBBoxFilter builds its polygon with no SRID, so GeoDjango would read
    the numbers as Lambert-93 metres; this one says what the client meant.
    """
    parts = raw.split(",")
    if len(parts) != 4:
        raise exceptions.ValidationError(
            {"bbox": ["bbox attend 4 nombres : minLon,minLat,maxLon,maxLat (WGS84)."]}
        )
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise exceptions.ValidationError(
            {"bbox": ["bbox doit contenir des nombres décimaux séparés par des virgules."]}
        ) from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise exceptions.ValidationError({"bbox": ["bbox contient une valeur non finie."]})
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise exceptions.ValidationError({"bbox": ["Longitude hors de [-180, 180]."]})
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise exceptions.ValidationError(
            {"bbox": ["Latitude hors de [-90, 90] : l'ordre attendu est minLon,minLat,maxLon,maxLat."]}
        )
    if min_lon >= max_lon or min_lat >= max_lat:
        raise exceptions.ValidationError(
            {"bbox": ["bbox vide : le minimum doit être inférieur au maximum (minLon,minLat,maxLon,maxLat)."]}
        )
    polygon = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
    polygon.srid = settings.API_SRID
    return polygon


def filter_bbox(queryset, raw, field="geom"):
    """Rows whose `field` intersects the WGS84 bbox `raw` (unchanged when `raw` is empty).

    GeoDjango transforms the bbox once to the field's SRID (`ST_Transform(%s, 2154)`), so
    the test runs on the native geometry's GiST index, never on a per-row transform.
    """
    if not raw:
        return queryset
    return queryset.filter(**{f"{field}__intersects": parse_bbox(raw)})


class BBoxFilter(filters.BaseFilterBackend):
    """`?bbox=minLon,minLat,maxLon,maxLat` in WGS84, features that intersect it.

    The view names its geometry field in `bbox_filter_field` (default `geom`).
    """

    def filter_queryset(self, request, queryset, view):
        return filter_bbox(queryset, request.query_params.get("bbox"), getattr(view, "bbox_filter_field", "geom"))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "bbox",
                "required": False,
                "in": "query",
                "description": "Emprise minLon,minLat,maxLon,maxLat en WGS84 (EPSG:4326).",
                "schema": {"type": "string", "example": "5.16,48.77,5.18,48.79"},
            }
        ]


class DateBoundField(forms.CharField):
    """A date (`AAAA-MM-JJ`, the whole local day) or an ISO 8601 datetime → (datetime, is_day)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        value = value.strip()
        try:
            # Python 3.11 reads "2026-11-25" as a datetime at midnight: try the day first.
            parsed = parse_date(value) if len(value) == 10 else parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR:
            # The value goes in `params`: django-filter formats every message with `%`,
            # and a "%" typed by the client in an f-string broke that (a 500 the fuzzer found).
            raise forms.ValidationError(
                f"Date illisible « %(valeur)s » : attendu AAAA-MM-JJ ou ISO 8601, entre {MIN_YEAR} et {MAX_YEAR}.",
                code="invalid", params={"valeur": value[:40]},
            )
        if not isinstance(parsed, datetime):
            return datetime.combine(parsed, time.min, tzinfo=timezone.get_current_timezone()), True
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed, False


@extend_schema_field({"type": "string", "description": "AAAA-MM-JJ (le jour entier) ou ISO 8601 avec fuseau"})
class DateBoundFilter(django_filters.Filter):
    """A `gte` or `lte` bound on a datetime field, given as a date or a datetime.

    A bare date is the whole local day: `depuis=2026-11-25` from its first second,
    `jusqua=2026-11-25` up to its last. Bad input is a French form error (400 in the API).
    """

    field_class = DateBoundField

    def filter(self, qs, value):
        if not value:
            return qs
        bound, is_day = value
        lookup = self.lookup_expr
        if is_day and lookup == "lte":
            bound, lookup = bound + timedelta(days=1), "lt"
        return qs.filter(**{f"{self.field_name}__{lookup}": bound})


class FlagField(forms.CharField):
    """A yes/no parameter as a form checkbox or a client sends it."""

    TRUE = {"1", "true", "on", "oui", "yes"}
    FALSE = {"0", "false", "off", "non", "no"}

    def clean(self, value):
        value = (super().clean(value) or "").strip().lower()
        if not value:
            return None
        if value in self.TRUE | self.FALSE:
            return value in self.TRUE
        raise forms.ValidationError("Valeur attendue : true ou false (oui ou non).", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class FlagFilter(django_filters.Filter):
    """`?en_retard=true`: a yes/no filter whose meaning is the filterset's `method`."""

    field_class = FlagField


class FrenchDateFilter(django_filters.DateFilter):
    """An ISO date whose error message says what is expected, in French."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid": "Date illisible : format attendu AAAA-MM-JJ (ISO 8601)."}
        )
        super().__init__(*args, **kwargs)


class MultipleChoiceCSVFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`?statut=travaux,etudes`: one or several values, comma-separated."""
