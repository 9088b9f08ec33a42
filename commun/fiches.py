"""Sections that an upper app adds to a lower app's page (the conseil citoyen's avis on a
chantier's page, on a walk's préconisations), without the lower app importing it.

A provider is `provider(request, objects) -> {pk: html}`: one call for a whole list of
objects of one model (no query per object). The lower app's page asks
`sections(request, obj)` for one object or `sections_by_pk(request, objects)` for a list.
"""

from django.utils.safestring import mark_safe

_providers = {}


def register_section(model_label, provider, order=100):
    """`model_label` is "app_label.ModelName" (e.g. "chantiers.Chantier")."""
    _providers.setdefault(model_label.lower(), []).append((order, provider))
    _providers[model_label.lower()].sort(key=lambda item: item[0])


def _label(obj_or_model):
    return obj_or_model._meta.label_lower


def sections_by_pk(request, objects):
    objects = list(objects)
    if not objects:
        return {}
    found = {obj.pk: [] for obj in objects}
    for _order, provider in _providers.get(_label(objects[0]), []):
        for pk, html in provider(request, objects).items():
            if html:
                found.setdefault(pk, []).append(mark_safe(html))  # noqa: S308 - rendered by a template
    return found


def sections(request, obj):
    return sections_by_pk(request, [obj]).get(obj.pk, [])
