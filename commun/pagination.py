"""Keyset (cursor) pagination for every GeoJSON list, and a page of features built by PostGIS.

A page is the rows after (or before) the last row seen, on a stable order that ends
with a unique column: `WHERE (cree_le, id) < (…, …) ORDER BY cree_le DESC, id DESC
LIMIT n+1`. The database walks an index from the cursor, however deep the page; there
is no `COUNT(*)` (on a million rows it cost 88–98 % of a list's SQL time) and no total
is given: clients follow `next` until it is null.

The cursor is opaque to clients: base64 of the ordering values of the row it follows
and the direction. A cursor that does not decode is a French 400, never a 500.

Lists whose features are numerous (reports) build their page in one SQL statement
(`sql_feature_page`): PostGIS writes each feature (`json_build_object`,
`ST_AsGeoJSON`) and aggregates them (`json_agg`); Python only adds the links.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import BooleanField, Expression, F, Value
from django.http import HttpResponse
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.utils.urls import replace_query_param

CURSOR_INVALID = "Curseur de pagination invalide : suivez le lien « next » ou « previous » tel quel."


class RowCompare(Expression):
    """`(a, b, …) < (x, y, …)`: a row comparison, which PostgreSQL answers from an index
    on `(a, b, …)` (two OR-ed conditions would not)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns, operator, values):
        super().__init__()
        self.columns, self.operator, self.values = list(columns), operator, list(values)

    def get_source_expressions(self):
        return self.columns + self.values

    def set_source_expressions(self, exprs):
        n = len(self.columns)
        self.columns, self.values = list(exprs[:n]), list(exprs[n:])

    def as_sql(self, compiler, connection):
        lhs = [compiler.compile(c) for c in self.columns]
        rhs = [compiler.compile(v) for v in self.values]
        sql = f"({', '.join(s for s, _ in lhs)}) {self.operator} ({', '.join(s for s, _ in rhs)})"
        return sql, [p for _, ps in lhs + rhs for p in ps]


@dataclass
class Keyset:
    """A stable order: field names, all ascending or all descending (`-`), the last one unique."""

    fields: tuple

    @property
    def descending(self):
        return self.fields[0].startswith("-")

    @property
    def names(self):
        return [f.lstrip("-") for f in self.fields]

    def order_by(self, reverse=False):
        flip = self.descending != reverse
        return [f"-{n}" if flip else n for n in self.names]

    def after(self, model, values, reverse=False):
        """Rows strictly after `values` in this order (before them with `reverse`)."""
        operator = "<" if self.descending != reverse else ">"
        fields = [model._meta.get_field(model._meta.pk.name if n == "pk" else n) for n in self.names]
        try:
            typed = [field.to_python(v) for field, v in zip(fields, values, strict=True)]
        except (DjangoValidationError, ValueError, TypeError):
            raise exceptions.ValidationError({"cursor": [CURSOR_INVALID]}) from None
        return RowCompare([F(n) for n in self.names], operator,
                          [Value(v, output_field=f) for v, f in zip(typed, fields, strict=True)])

    def values_of(self, obj):
        return [_jsonable(getattr(obj, "pk" if n == "pk" else n)) for n in self.names]


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def encode_cursor(values, reverse=False):
    raw = json.dumps({"v": values, "r": reverse}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token, width):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        values, reverse = data["v"], bool(data.get("r"))
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        raise exceptions.ValidationError({"cursor": [CURSOR_INVALID]}) from None
    if not isinstance(values, list) or len(values) != width or any(isinstance(v, list | dict) for v in values):
        raise exceptions.ValidationError({"cursor": [CURSOR_INVALID]})
    return values, reverse


class KeysetPagination(BasePagination):
    """`?page_size=…` (default 100, at most 5000) and `?cursor=…` from `next`/`previous`.

    The view states its order in `keyset_ordering` (default: by id). The answer is a
    FeatureCollection with `next` and `previous` links (null at either end) and no count.
    """

    page_size = 100
    max_page_size = 5000
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def keyset(self, view):
        return Keyset(tuple(getattr(view, "keyset_ordering", ("pk",))))

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError(
                {"page_size": [f"page_size attend un entier entre 1 et {self.max_page_size}."]})
        return min(size, self.max_page_size)

    def window(self, request, view):
        """(keyset, page size, cursor values or None, reverse) of this request."""
        keyset = self.keyset(view)
        size = self.get_page_size(request)
        token = request.query_params.get(self.cursor_query_param)
        values, reverse = decode_cursor(token, len(keyset.names)) if token else (None, False)
        return keyset, size, values, reverse

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        keyset, size, values, reverse = self.window(request, view)
        if values is not None:
            queryset = queryset.filter(keyset.after(queryset.model, values, reverse))
        rows = list(queryset.order_by(*keyset.order_by(reverse))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if reverse:
            rows.reverse()
        first = keyset.values_of(rows[0]) if rows else None
        last = keyset.values_of(rows[-1]) if rows else None
        self.set_links(first, last, more, values is not None, reverse)
        return rows

    def set_links(self, first, last, more, had_cursor, reverse):
        """`next` follows the last row, `previous` precedes the first; null at the ends."""
        has_next = more if not reverse else had_cursor
        has_previous = had_cursor if not reverse else more
        self.next_cursor = encode_cursor(last) if has_next and last is not None else None
        self.previous_cursor = encode_cursor(first, reverse=True) if has_previous and first is not None else None

    def link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_next_link(self):
        return self.link(self.next_cursor)

    def get_previous_link(self):
        return self.link(self.previous_cursor)

    def get_paginated_response(self, data):
        from rest_framework.response import Response

        return Response({
            "type": "FeatureCollection",
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "features": data["features"],
        })

    def get_paginated_response_schema(self, schema):
        """The FeatureCollection of the list (a component for DRF-gis serializers, an
        array of features otherwise) with the `next` and `previous` links; no count."""
        links = {
            "next": {"type": "string", "nullable": True, "format": "uri",
                     "description": "Page suivante (curseur) ; null à la fin. Aucun total n'est donné.",
                     "example": "http://api.example.org/api/v1/signalements/?cursor=eyJ2IjpbMV19&page_size=500"},
            "previous": {"type": "string", "nullable": True, "format": "uri",
                         "description": "Page précédente (curseur) ; null au début."},
        }
        if schema.get("type") == "array":
            collection = {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]}, "features": schema}}
        else:
            collection = schema
        return {"allOf": [collection, {"type": "object", "required": ["type", "features", "next", "previous"],
                                       "properties": links}]}

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Curseur opaque, tel que donné par « next » ou « previous ».",
             "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Éléments par page (1 à {self.max_page_size}, {self.page_size} par défaut).",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]

    # --- Pages built by PostGIS ------------------------------------------------------

    def sql_response(self, queryset, request, view, feature):
        """The page as one SQL statement: `feature` is a `SqlFeature` (its JSON and joins,
        written on the page's rows `p`). The body is PostgreSQL's text, links spliced in."""
        self.request = request
        keyset, size, values, reverse = self.window(request, view)
        if values is not None:
            queryset = queryset.filter(keyset.after(queryset.model, values, reverse))
        page = sql_feature_page(queryset.order_by(*keyset.order_by(reverse)), keyset, size, reverse, feature)
        self.set_links(page.first, page.last, page.more, values is not None, reverse)
        head = json.dumps({"type": "FeatureCollection", "next": self.get_next_link(),
                           "previous": self.get_previous_link()})
        body = head[:-1] + ', "features": ' + page.features + "}"
        return HttpResponse(body, content_type="application/json")


@dataclass
class SqlFeature:
    """How PostGIS writes one feature of a page: `json` is a `json_build_object(…)` over
    the page's rows `p` and the tables of `joins` (LEFT JOINs on small tables, made for
    the page's rows only, after the LIMIT)."""

    json: str
    joins: str = ""
    params: tuple = ()


@dataclass
class SqlPage:
    features: str
    more: bool
    first: list | None
    last: list | None


def sql_feature_page(queryset, keyset, size, reverse, feature):
    """Run the ordered, filtered `queryset` limited to size+1 rows and turn the first
    `size` into a JSON array of features, in one statement."""
    columns = list(dict.fromkeys(["id" if n == "pk" else n for n in keyset.names] + feature_columns(queryset)))
    inner, params = queryset.values(*columns)[: size + 1].query.sql_with_params()
    order = ", ".join(f'q."{n}" {"DESC" if keyset.descending != reverse else "ASC"}' for n in keyset.names)
    keys = ", ".join(f'n."{n}"' for n in keyset.names)
    shown = "DESC" if reverse else "ASC"
    sql = f"""
        WITH p AS MATERIALIZED (SELECT q.*, row_number() OVER (ORDER BY {order}) AS rn FROM ({inner}) q),
        n AS (SELECT * FROM p WHERE rn <= %s)
        SELECT
          (SELECT coalesce(json_agg(f.feature ORDER BY f.rn {shown}), '[]')::text FROM (
             SELECT p.rn, {feature.json} AS feature FROM p {feature.joins} WHERE p.rn <= %s) f),
          (SELECT count(*) FROM p) > %s,
          (SELECT json_build_array({keys}) FROM n ORDER BY n.rn LIMIT 1),
          (SELECT json_build_array({keys}) FROM n ORDER BY n.rn DESC LIMIT 1)
    """
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*params, size, *feature.params, size, size])
        features, more, first_key, last_key = cursor.fetchone()
    first, last = _keys(first_key), _keys(last_key)
    if reverse:
        first, last = last, first
    return SqlPage(features, bool(more), first, last)


def _keys(raw):
    if raw is None:
        return None
    return json.loads(raw) if isinstance(raw, str) else raw


def feature_columns(queryset):
    """Every concrete column of the model: the feature's JSON picks what it needs."""
    return [f.attname for f in queryset.model._meta.concrete_fields]



def sql_iso_datetime(column, tz=None):
    """SQL writing a timestamptz `column` as DRF's DateTimeField does: ISO 8601 in the
    current time zone, microseconds only when not zero, `Z` for UTC, else `+HH:MM`."""
    from django.utils import timezone

    zone = str(tz or timezone.get_current_timezone())
    assert "'" not in zone
    local = f"({column} AT TIME ZONE '{zone}')"
    offset = f"({local} - ({column} AT TIME ZONE 'UTC'))"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_part('microseconds', {column})::bigint %% 1000000 = 0 THEN ''"
        f" ELSE to_char({local}, '.US') END"
        f" || CASE WHEN {offset} = interval '0' THEN 'Z' WHEN {offset} > interval '0'"
        f" THEN '+' || to_char({offset}, 'HH24:MI') ELSE to_char({offset}, 'HH24:MI') END END"
    )
