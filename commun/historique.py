"""The audit trail: who changed what, when, from which request (django-pghistory).

PostgreSQL triggers copy every insert, update and delete of a tracked table into its event
table (`<Model>Event`, created by the app's migrations), whatever wrote it: a page, the API,
the admin, a management command or a job. `pghistory.middleware.HistoryMiddleware` attaches
the user and the request's path to the changes of a writing request.

A model is tracked with `@suivi()` above its class in the app's `models.py`; a
many-to-many table (a user's groups, an acteur's members) with `suivre_liens(...)`. Reports
are not tracked here: they keep their own history (`signalements.Evenement`) and a copy per
write would double the cost of the busiest table.

Pilots read it on each object's page (`{% historique objet %}`, commun/templatetags) and in
the admin (each change page, and the "Journal des modifications").
"""

import json

import pghistory
import pgtrigger
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.gis.db import models as gis_models
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

from . import roles

CREATION, MODIFICATION, SUPPRESSION, AJOUT, RETRAIT = "creation", "modification", "suppression", "ajout", "retrait"
ACTIONS = {
    CREATION: "Création",
    MODIFICATION: "Modification",
    SUPPRESSION: "Suppression",
    AJOUT: "Ajout",
    RETRAIT: "Retrait",
}
LIMITE = 30  # the latest changes shown on a page; the admin's journal lists them all
TEXTE_MAX = 200
NAME_FIELDS = ("nom", "titre", "libelle", "question", "numero", "username", "name", "legende", "proposition")


def _update_condition(model, fields):
    """Fire on an update only when a recorded column changed. Geometries are compared as
    bytes: a restore (pg_restore, empty search_path) cannot resolve PostGIS's `=` in a
    trigger's WHEN clause, and Django's default condition compares them with it."""
    parts = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name not in fields:
            continue
        column = field.column.replace('"', '""')
        if isinstance(field, gis_models.GeometryField):
            parts.append(f'OLD."{column}"::bytea IS DISTINCT FROM NEW."{column}"::bytea')
        else:
            parts.append(f'OLD."{column}" IS DISTINCT FROM NEW."{column}"')
    return pgtrigger.Condition(" OR ".join(parts))


def suivi(exclude=(), fields=None, **options):
    """Class decorator: a trigger records every creation, modification and deletion.

    Fields set on every save (`auto_now`) are left out, so a save that changes nothing
    else records nothing."""

    def wrap(model):
        skipped = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)] + list(exclude)
        recorded = fields or [f.name for f in model._meta.concrete_fields if f.name not in skipped]
        pghistory.track(
            pghistory.InsertEvent(CREATION),
            pghistory.UpdateEvent(MODIFICATION, condition=_update_condition(model, recorded)),
            pghistory.DeleteEvent(SUPPRESSION),
            fields=fields,
            exclude=None if fields else (skipped or None),
            **options,
        )(model)
        return model

    return wrap


def _link_str(self):
    ends = [f"{f.verbose_name} n° {getattr(self, f.attname)}" for f in self._meta.concrete_fields
            if f.is_relation]
    return " ↔ ".join(ends)


def suivre_liens(links, name, verbose_name, verbose_name_plural=None, app_label=None):
    """A many-to-many table: each link added or removed is recorded, as `<name>Event`.

    Django creates a ManyToManyField's table without a model of the app, so its triggers
    would have no migration: they hang on a proxy named `name` in the app of the field."""
    app_label = app_label or links._meta.app_label
    if links._meta.auto_created:
        meta = type("Meta", (), {"proxy": True, "app_label": app_label, "verbose_name": verbose_name,
                                 "verbose_name_plural": verbose_name_plural or verbose_name})
        links = type(name, (links,), {"Meta": meta, "__module__": links.__module__, "__str__": _link_str})
    pghistory.track(
        pghistory.InsertEvent(AJOUT),
        pghistory.DeleteEvent(RETRAIT),
        model_name=f"{name}Event",
        app_label=app_label,
    )(links)
    return links


def events_about(obj, limit=LIMITE):
    """The latest events of the object itself and of the rows that point to it (a
    chantier's milestones and funders, a user's groups), newest first."""
    from pghistory.core import event_models
    from pghistory.models import MiddlewareEvents

    events = MiddlewareEvents.objects.references(obj)
    concrete = type(obj)._meta.concrete_model
    if concrete is get_user_model():
        # An account's history is its roles: its flags, groups, permissions and acteurs;
        # not every row it authored.
        events = events.across(*[
            m for m in event_models()
            if m.pgh_tracked_model._meta.concrete_model is concrete
            or m.pgh_tracked_model._meta.concrete_model._meta.auto_created
        ])
    return list(events.order_by("-pgh_created_at", "-pgh_id")[:limit])


def _field_by_column(model):
    return {f.column: f for f in model._meta.concrete_fields}


def _label(field):
    return str(field.verbose_name)


def _shorten(text):
    text = str(text)
    return text if len(text) <= TEXTE_MAX else text[: TEXTE_MAX - 1] + "…"


def _format(field, value, names):
    if value is None or value == "":
        return "—"
    if isinstance(field, gis_models.GeometryField):
        return "géométrie"
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value)) or f"n° {value}"
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "oui" if value else "non"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
            return date_format(timezone.localtime(moment), "d/m/Y H:i")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        if day:
            return date_format(day, "d/m/Y")
    if isinstance(value, (list, dict)):
        return _shorten(json.dumps(value, ensure_ascii=False))
    return _shorten(value)


def _shown(field):
    return field is not None and not field.primary_key


def _names(events):
    """The names of every user and related row the events mention: one query per model."""
    wanted = {}
    User = get_user_model()
    for event in events:
        user = (event.pgh_context or {}).get("user")
        if user is not None:
            wanted.setdefault(User, set()).add(user)
        model = _tracked_model(event)
        if model is None:
            continue
        by_column = _field_by_column(model)
        for column, value in (event.pgh_data or {}).items():
            field = by_column.get(column)
            if isinstance(field, models.ForeignKey) and value is not None:
                wanted.setdefault(field.related_model, set()).add(value)
        for column, (before, _after) in (event.pgh_diff or {}).items():
            field = by_column.get(column)
            if isinstance(field, models.ForeignKey) and before is not None:
                wanted.setdefault(field.related_model, set()).add(before)
    names = {}
    for model, pks in wanted.items():
        valid = set()
        for pk in pks:
            try:
                valid.add(model._meta.pk.to_python(pk))
            except Exception:  # noqa: BLE001 - an id the model no longer understands is shown as is
                continue
        for pk, row in model._default_manager.in_bulk(list(valid)).items():
            names[(model, pk)] = str(row)
    return names


def _tracked_model(event):
    try:
        return apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return None


def _object_name(model, data, names):
    for key in NAME_FIELDS:
        if data.get(key):
            return _shorten(data[key])
    # No name of its own (a member of an instance): the rows it links, by their names.
    linked = [_format(f, data.get(f.column), names) for f in model._meta.concrete_fields
              if isinstance(f, models.ForeignKey) and data.get(f.column) is not None][:2]
    return " · ".join(linked) or f"n° {data.get('id', '?')}"


def describe(events):
    """Events as rows a person reads: when, who, from where, what, and the changed fields
    with their values before and after, in French."""
    names = _names(events)
    User = get_user_model()
    rows = []
    for event in events:
        model = _tracked_model(event)
        context = event.pgh_context or {}
        user = context.get("user")
        data = event.pgh_data or {}
        row = {
            "quand": event.pgh_created_at,
            "qui": names.get((User, user))
            or (f"compte n° {user}" if user is not None else "système (commande, tâche)"),
            "depuis": context.get("url") or "",
            "action": ACTIONS.get(event.pgh_label, event.pgh_label),
            "objet": "",
            "changements": [],
        }
        if model is None:
            rows.append(row)
            continue
        by_column = _field_by_column(model)
        is_link = model._meta.concrete_model._meta.auto_created  # a many-to-many table (its proxy)
        if is_link:
            # A many-to-many link: "Ajout : <acteur> ↔ <user>"
            parts = [_format(f, data.get(f.column), names)
                     for f in by_column.values() if isinstance(f, models.ForeignKey)]
            row["objet"] = f"{model._meta.verbose_name} : {' ↔ '.join(parts)}"
            rows.append(row)
            continue
        row["objet"] = f"{model._meta.verbose_name} « {_object_name(model, data, names)} »"
        if event.pgh_label == MODIFICATION and event.pgh_diff:
            for column, (before, after) in event.pgh_diff.items():
                field = by_column.get(column)
                if _shown(field):
                    row["changements"].append(
                        (_label(field), _format(field, before, names), _format(field, after, names)))
        elif event.pgh_label in (CREATION, SUPPRESSION):
            for column, value in data.items():
                field = by_column.get(column)
                if _shown(field) and value not in (None, "", [], {}):
                    shown = _format(field, value, names)
                    if event.pgh_label == CREATION:
                        row["changements"].append((_label(field), "", shown))
                    else:
                        row["changements"].append((_label(field), shown, ""))
        rows.append(row)
    return rows


def render_history(request, obj, limit=LIMITE):
    """The "Historique" section of an object's page, for pilots only ("" for anyone else)."""
    if obj is None or getattr(obj, "pk", None) is None or not roles.is_pilote(getattr(request, "user", None)):
        return ""
    events = events_about(obj, limit)
    return render_to_string("commun/_historique.html", {"entrees": describe(events), "limite": limit,
                                                        "complet": len(events) < limit})
