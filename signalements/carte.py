"""Reports on the map: per sector the resolved ones for everybody (a count, no report),
and for professionals the reports they may see, clustered, with their density."""

from django.urls import reverse

from commun import roles
from commun.carte import ApiLayer, PanelFilter

from .models import Categorie, Statut

PERIOD = {"depuis": "depuis", "jusqua": "jusqua"}
COULEUR_SIGNALEMENT = "#d62828"
COULEUR_RESOLUS = "#0b6e4f"


def resolved_layers(request):
    """Per sector, the reports resolved in the last 12 months: a public figure."""
    return [ApiLayer(
        "Signalements résolus (12 mois)", "secteurs_resolus", reverse("indicateur-secteurs-resolus"), "resolus",
        show=not request.user.is_authenticated, title="nom",
        fields=[["resolus_12_mois", "Signalements résolus en 12 mois"]],
        tooltip_template="{nom} : {resolus_12_mois} résolus", tooltip_permanent=True,
        legend=[("Signalements résolus", [(COULEUR_RESOLUS, "Secteur : nombre résolu en 12 mois")])],
    )]


def report_layers(request):
    """Only for professionals, only what they may see (the tiles and the reports API
    apply `visible_signalements`). The live map draws vector tiles (clusters counted by
    the server, the density from cells); the downloaded map embeds the most recent
    reports from the list (`url`, see carte.pages) and clusters them in the browser."""
    if not roles.is_staff_member(request.user):
        return []
    url = f"{reverse('signalement-list')}?page_size=1000"
    tiles = reverse("api-tuile", args=["signalements", 0, 0, 0]).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    detail_api = reverse("signalement-detail", args=["00000000-0000-0000-0000-000000000000"]).replace(
        "00000000-0000-0000-0000-000000000000", "{uuid}")
    filters = {**PERIOD, "categorie": "categorie", "statut_signalement": "statut"}
    return [
        ApiLayer("Signalements", "signalements", url, "signalement", cluster=True, tiles=tiles,
                 detail_api=detail_api, download_max=5000,
                 title="categorie_nom|categorie", detail="/signalements/{uuid}/",
                 fields=[["statut_libelle|statut", "Statut"], ["secteur_nom|secteur", "Secteur"],
                         ["cree_le", "Reçu le"]],
                 filters=filters, export="signalements",
                 legend=[("Signalements", [(COULEUR_SIGNALEMENT, "Signalement ; grand cercle : groupe "
                                                                 "(taille selon le nombre)")])]),
        ApiLayer("Densité des signalements", "chaleur", url, "signalement", show=False,
                 heat=True, source="signalements", filters=filters, tiles=tiles, tiles_layer="signalements",
                 tiles_params={"agregat": "1"}),
    ]


def panel_filters(request):
    if not roles.is_staff_member(request.user):
        return []
    categories = Categorie.objects.filter(actif=True).select_related("parent")
    if not roles.sees_sensitive(request.user):
        categories = categories.exclude(sensible=True).exclude(parent__sensible=True)
    return [
        PanelFilter("categorie", "Catégorie des signalements", [(c.slug, str(c)) for c in categories], "Toutes"),
        PanelFilter("statut_signalement", "Statut des signalements", list(Statut.choices)),
    ]
