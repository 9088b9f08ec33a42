"""The chantiers, friches and proposals layers as exports (GeoJSON, CSV, GeoPackage).

Column names match the API's properties, so the downloaded map's popups read the same
fields as the live map's.
"""

from django.contrib.gis.db.models.functions import PointOnSurface
from django.db.models.functions import Coalesce

from commun import roles
from commun.exports import Column, ExportLayer, ExportSpec

from .filters import ChantierFilter, PropositionFilter
from .models import Chantier, Proposition, Statut, Type
from .permissions import visible_propositions

CHANTIER_SPEC = ExportSpec(
    layer="chantiers",
    columns=[
        Column("id"), Column("nom"), Column("type", choices=dict(Type.choices)),
        Column("statut", choices=dict(Statut.choices)),
        Column("maitre_ouvrage", "maitre_ouvrage__slug"),
        Column("maitre_ouvrage_nom", "maitre_ouvrage__nom"),
        Column("adresse"), Column("debut_prevu"), Column("fin_prevue"), Column("debut_reel"),
        Column("fin_reelle"), Column("logements_demolis"), Column("logements_rehabilites"),
        Column("logements_construits"), Column("budget"), Column("plan_financement"),
        Column("heures_insertion_prevues"), Column("heures_insertion_realisees"),
        Column("beneficiaires_qpv"), Column("demonstration"),
    ],
)

PROPOSITION_COLUMNS = [
    Column("id"), Column("friche"), Column("friche_nom", "friche__nom"), Column("titre"),
    Column("texte"), Column("statut", choices=dict(Proposition.Statut.choices)),
    Column("conseil_citoyen"), Column("cree_le"), Column("demonstration"),
]
# A proposal without a sketch is placed on its friche.
PROPOSITION_GEOM = Coalesce("geom", PointOnSurface("friche__geom"))
PROPOSITION_SPEC = ExportSpec(
    layer="propositions", columns=PROPOSITION_COLUMNS, geom_field=PROPOSITION_GEOM, bbox_field="friche__geom"
)
PROPOSITION_SPEC_PILOTE = ExportSpec(
    layer="propositions", columns=[*PROPOSITION_COLUMNS, Column("auteur", "auteur__username")],
    geom_field=PROPOSITION_GEOM, bbox_field="friche__geom",
)


def chantiers_queryset(request):
    return Chantier.objects.exclude(type=Type.FRICHE)


def friches_queryset(request):
    return Chantier.objects.friches()


def propositions_queryset(request):
    return visible_propositions(request.user)


class PropositionExportLayer(ExportLayer):
    """The author's username is a column for pilots only."""

    def spec_for(self, request):
        return PROPOSITION_SPEC_PILOTE if roles.is_pilote(request.user) else PROPOSITION_SPEC


EXPORTS = [
    ExportLayer("chantiers", "Chantiers", chantiers_queryset, CHANTIER_SPEC, ChantierFilter),
    ExportLayer("friches", "Friches", friches_queryset, CHANTIER_SPEC, ChantierFilter),
    PropositionExportLayer("propositions", "Propositions des habitants", propositions_queryset,
                           PROPOSITION_SPEC, PropositionFilter),
]
