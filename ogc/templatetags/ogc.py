from django import template

register = template.Library()


@register.filter
def cle(mapping, key):
    """`{{ properties|cle:name }}`: a dictionary's value by a variable key."""
    return mapping.get(key) if isinstance(mapping, dict) else None
