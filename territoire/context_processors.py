import json

from .services import map_view


def territoire(request):
    """Where maps open (centre, zoom, bounds of the QPV), for the pages' scripts."""
    return {"vue_carte": lambda: json.dumps(map_view())}
