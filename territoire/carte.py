"""The layers every map starts with: the QPV perimeter, its GUSP sectors, its facilities."""

from django.urls import reverse

from commun.carte import ApiLayer

# Colours of carte.js' styles, repeated here for the legend.
COULEURS = {"territoire": "#1d3557", "secteur": "#6a4c93", "equipement": "#0b6e4f"}


def layers(request):
    return [
        ApiLayer("Périmètre du QPV", "territoires", reverse("territoire-list"), "territoire",
                 fit=True, title="nom", fields=[["attribution", "Source"]], export="territoires",
                 legend=[("Territoire", [(COULEURS["territoire"], "Périmètre du QPV")])]),
        ApiLayer("Secteurs GUSP", "secteurs", reverse("secteur-list"), "secteur",
                 tooltip="nom", export="secteurs",
                 legend=[("Secteurs", [(COULEURS["secteur"], "Secteur de gestion (GUSP)")])]),
        ApiLayer("Équipements", "equipements", reverse("equipement-list"), "equipement",
                 fields=[["type", "Type"], ["adresse", "Adresse"]], export="equipements", tooltip="nom",
                 legend=[("Équipements", [(COULEURS["equipement"], "Équipement public")])]),
    ]
