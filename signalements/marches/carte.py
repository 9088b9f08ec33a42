"""The walks' routes as a layer of the planners' map (/carte/), for professionals only.

The map's owner exposes `commun.carte.register_layers`; when it is absent the map simply
has no walk layer.
"""

from commun import roles


def layers(request):
    if not roles.is_staff_member(getattr(request, "user", None)):
        return []
    from commun.carte import ApiLayer

    return [
        ApiLayer("Marches exploratoires (parcours)", "marches", "/api/v1/marches/?page_size=500", "marche",
                 show=False, title="titre", detail="/marches/{id}/",
                 fields=[["moment_libelle", "Moment"], ["debut", "Date"], ["organisateur_nom", "Organisée par"],
                         ["etat", "État"]]),
    ]


def register():
    try:
        from commun.carte import register_layers
    except ImportError:  # the map without its layer registry: nothing to add
        return
    register_layers(layers)
