"""`{% historique objet %}`: the object's audit trail, shown to pilots only (commun.historique)."""

from django import template
from django.utils.safestring import mark_safe

from commun.historique import render_history

register = template.Library()


@register.simple_tag(takes_context=True)
def historique(context, objet):
    request = context.get("request")
    if request is None:
        return ""
    return mark_safe(render_history(request, objet))  # noqa: S308 - rendered by a template
