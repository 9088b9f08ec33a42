from django.conf import settings

from commun import roles


def site(request):
    """What every page needs to know about the viewer, computed once."""
    user = getattr(request, "user", None)
    return {
        "est_pilote": roles.is_pilote(user),
        "est_agent": roles.is_agent(user),
        "est_service": bool(user and user.is_authenticated and roles.acteur_ids(user)),
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }
