"""The renewal programme's map layers: colours by nature, line style by status."""

from django.urls import reverse

from commun.carte import ApiLayer, PanelFilter

from .models import Statut, Type

# Colour-blind-safe palette (Okabe–Ito and neighbours), all readable on the base map.
COULEURS_TYPE = {
    Type.DEMOLITION: "#d55e00",
    Type.REHABILITATION: "#0072b2",
    Type.CONSTRUCTION: "#009e73",
    Type.ESPACE_PUBLIC: "#cc79a7",
    Type.FRICHE: "#8d6e63",
    Type.EQUIPEMENT: "#6a3d9a",
    Type.RESEAU: "#e69f00",
}
# The status changes the stroke: dotted while planned, dashed in studies, solid in works,
# faded once delivered, grey when stopped.
STYLES_STATUT = {
    Statut.PROGRAMME: {"dashArray": "2 6", "fillOpacity": 0.15},
    Statut.ETUDES: {"dashArray": "8 6", "fillOpacity": 0.2},
    Statut.TRAVAUX: {"weight": 4, "fillOpacity": 0.35},
    Statut.LIVRE: {"opacity": 0.6, "fillOpacity": 0.1},
    Statut.SUSPENDU: {"color": "#6b6b6b", "fillColor": "#6b6b6b", "dashArray": "4 4"},
    Statut.ABANDONNE: {"color": "#9e9e9e", "fillColor": "#9e9e9e", "opacity": 0.5, "fillOpacity": 0.05},
}
STATUT_LEGENDE = {
    Statut.PROGRAMME: "pointillé fin",
    Statut.ETUDES: "tirets",
    Statut.TRAVAUX: "trait plein épais",
    Statut.LIVRE: "pâli",
    Statut.SUSPENDU: "gris, tirets",
    Statut.ABANDONNE: "gris clair",
}

CHANTIER_FIELDS = [
    ["type_libelle", "Nature"], ["statut_libelle", "Statut"], ["maitre_ouvrage_nom", "Maître d'ouvrage"],
    ["debut_prevu", "Début prévu"], ["fin_prevue", "Fin prévue"],
]
PERIOD = {"depuis": "depuis", "jusqua": "jusqua"}


def legend():
    """`(title, [(colour, label), …])` rows for the page and the downloaded map."""
    natures = [(COULEURS_TYPE[t], t.label) for t in Type]
    neutre = {"color": "#333333", "fillColor": "#333333"}
    statuts = [({**neutre, **STYLES_STATUT[s]}, f"{s.label} : {STATUT_LEGENDE[s]}") for s in Statut]
    return [("Nature du chantier", natures), ("Statut (trait)", statuts)]


def panel_filters(request):
    return [
        PanelFilter("type", "Nature des chantiers", [(t.value, t.label) for t in Type if t != Type.FRICHE], "Toutes"),
        PanelFilter("statut", "Statut des chantiers", list(Statut.choices)),
    ]


def layers(request):
    """Chantiers, friches and residents' proposals: public layers."""
    chantiers_url = reverse("chantier-list")
    common = {
        "title": "nom", "fields": CHANTIER_FIELDS, "detail": "/chantiers/{id}/",
        "color_by": "type", "colors": {str(k): v for k, v in COULEURS_TYPE.items()},
        "styles_by": {"statut": {str(k): v for k, v in STYLES_STATUT.items()}},
    }
    return [
        ApiLayer("Chantiers du renouvellement", "chantiers", f"{chantiers_url}?friche=false", "chantier",
                 filters={**PERIOD, "type": "type", "statut": "statut"}, export="chantiers", legend=legend(),
                 tooltip="nom", **common),
        ApiLayer("Friches", "friches", f"{chantiers_url}?friche=true", "friche",
                 filters={**PERIOD, "statut": "statut"}, export="friches", tooltip="nom", **common),
        ApiLayer("Propositions des habitants", "propositions", reverse("proposition-list"), "proposition",
                 title="titre", fields=[["friche_nom", "Friche"], ["texte", "Proposition"]],
                 detail_prop="url", filters=PERIOD, export="propositions"),
    ]
