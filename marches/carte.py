"""The walks' routes as a layer of the planners' map (/carte/), for professionals only."""

from django.urls import reverse

from commun import roles
from commun.carte import ApiLayer

COULEUR_PARCOURS = "#f77f00"


def layers(request):
    if not roles.is_staff_member(getattr(request, "user", None)):
        return []
    return [
        ApiLayer("Marches exploratoires (parcours)", "marches", f"{reverse('marche-list')}?page_size=500", "marche",
                 show=False, title="titre", detail="/marches/{id}/", tooltip="titre",
                 fields=[["moment_libelle", "Moment"], ["debut", "Date"], ["organisateur_nom", "Organisée par"],
                         ["etat", "État"]],
                 legend=[("Marches exploratoires", [(COULEUR_PARCOURS, "Parcours d'une marche")])]),
    ]
