"""The territory's public page (/territoire/): the QPV, its contrat de ville and the
protocol signed on 12 February 2020 (its signatories and instances), from the seed
document; figures of other apps come as sections (commun.fiches), marked "démonstration"
where they are invented."""

from django.db.models import Count, Q
from django.shortcuts import render

from commun.fiches import sections

from .models import Engagement, Equipement
from .services import principal_territoire

# The protocol's signatories (avenant au contrat de ville, 12 February 2020), by office:
# the page names institutions, not the people who held the office then.
SIGNATAIRES = [
    ("Communauté d'Agglomération Bar-le-Duc Sud Meuse", "la présidente"),
    ("État", "le préfet de la Meuse"),
    ("Conseil citoyen de la Côte Sainte-Catherine", "la représentante du conseil citoyen"),
    ("Office public de l'habitat (OPH) de la Meuse", "le président"),
    ("Conseil départemental de la Meuse", "le président"),
    ("Agence régionale de santé Grand Est", "le délégué territorial pour la Meuse, par délégation"),
    ("Caisse d'allocations familiales de la Meuse", "la présidente et le directeur"),
    ("Chambre des métiers et de l'artisanat de la Meuse", "le président"),
]

INSTANCES = [
    ("Comité de pilotage", "définit les orientations au regard des enjeux et valide les actions du programme "
                           "annuel (niveau politique)."),
    ("Comité technique", "étudie la faisabilité des projets et l'implication de chaque acteur (niveau technique)."),
    ("Groupes de travail", "associent les acteurs concernés par un sujet pour construire des propositions et "
                           "élaborer des projets (niveau opérationnel)."),
    ("Conseil citoyen", "participe à toutes les instances de pilotage ; il est consulté de manière formalisée, "
                        "en « expert d'usage » du quartier (article 5)."),
]


def territory_page(request):
    territoire = principal_territoire()
    engagements = Engagement.objects.aggregate(total=Count("id"))["total"]
    equipements = Equipement.objects.aggregate(total=Count("id"), inventes=Count("id", filter=Q(demonstration=True)))
    return render(request, "territoire/territoire.html", {
        "territoire": territoire,
        "signataires": SIGNATAIRES,
        "instances": INSTANCES,
        "nb_engagements": engagements,
        "nb_equipements": equipements["total"],
        "equipements_demo": bool(equipements["inventes"]),
        "sections": sections(request, territoire) if territoire else [],
    })
