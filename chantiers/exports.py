"""The chantiers, friches and proposals layers as exports (GeoJSON, CSV, GeoPackage).

Column names match the API's properties, so the downloaded map's popups read the same
fields as the live map's.
"""

from django.contrib.gis.db.models.functions import PointOnSurface
from django.db.models.functions import Coalesce

from commun import roles
from commun.exports import Column, ExportLayer, ExportSpec, Temporal

from .filters import ChantierFilter, PropositionFilter
from .models import Chantier, Proposition, Statut, Type
from .permissions import visible_propositions

CHANTIER_COLUMNS = [
    Column("id", type="integer"), Column("nom"), Column("type", choices=dict(Type.choices)),
    Column("statut", choices=dict(Statut.choices)),
    Column("maitre_ouvrage", "maitre_ouvrage__slug"),
    Column("maitre_ouvrage_nom", "maitre_ouvrage__nom"),
    Column("adresse"), Column("debut_prevu", type="date"), Column("fin_prevue", type="date"),
    Column("debut_reel", type="date"), Column("fin_reelle", type="date"),
    Column("logements_demolis", type="integer"), Column("logements_rehabilites", type="integer"),
    Column("logements_construits", type="integer"), Column("budget", type="real"), Column("plan_financement"),
    Column("heures_insertion_prevues", type="integer"), Column("heures_insertion_realisees", type="integer"),
    Column("beneficiaires_qpv", type="integer"), Column("demonstration", type="boolean"),
]
CHANTIER_SPEC = ExportSpec(layer="chantiers", columns=CHANTIER_COLUMNS)
FRICHE_SPEC = ExportSpec(layer="friches", columns=CHANTIER_COLUMNS)
# An operation runs from its actual start (planned otherwise) to its actual end.
PERIODE = Temporal(Coalesce("debut_reel", "debut_prevu"), Coalesce("fin_reelle", "fin_prevue"), dates=True)

PROPOSITION_COLUMNS = [
    Column("id", type="integer"), Column("friche", type="integer"), Column("friche_nom", "friche__nom"),
    Column("titre"), Column("texte"), Column("statut", choices=dict(Proposition.Statut.choices)),
    Column("conseil_citoyen", type="boolean"), Column("cree_le", type="datetime"),
    Column("demonstration", type="boolean"),
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


CHANTIER_QUERYABLES = ("type", "statut", "maitre_ouvrage")

EXPORTS = [
    ExportLayer("chantiers", "Chantiers", chantiers_queryset, CHANTIER_SPEC, ChantierFilter,
                description="Opérations du renouvellement urbain : démolitions, réhabilitations, constructions, "
                            "espaces publics, équipements, réseau de chaleur.",
                temporal=PERIODE, queryables=CHANTIER_QUERYABLES),
    ExportLayer("friches", "Friches", friches_queryset, FRICHE_SPEC, ChantierFilter,
                description="Friches en attente d'un nouvel usage.", temporal=PERIODE,
                queryables=CHANTIER_QUERYABLES),
    PropositionExportLayer("propositions", "Propositions des habitants", propositions_queryset,
                           PROPOSITION_SPEC, PropositionFilter,
                           description="Propositions des habitants pour la reprise des friches (publiées ; "
                                       "les siennes en plus une fois connecté).",
                           temporal=Temporal("cree_le"), queryables=("statut", "friche")),
]
