"""Reports as an export: signed-in users only, visibility applied, no reporter's name
(a file leaves the application)."""

from commun.exports import Column, ExportLayer, ExportSpec, Temporal
from territoire.services import perimeters_extent

from .filters import SignalementFilter
from .models import Statut
from .permissions import visible_signalements
from .serializers import POINT_RULES


def reports_extent(request):
    """Reports lie at most 50 m outside a perimeter: the perimeters' extent, widened,
    answers without reading a million points."""
    return perimeters_extent(margin_m=POINT_RULES.max_outside_m)


EXPORTS = [
    ExportLayer(
        "signalements", "Signalements", lambda request: visible_signalements(request.user),
        ExportSpec("signalements", [
            Column("uuid"), Column("categorie", "categorie__slug"), Column("categorie_nom", "categorie__nom"),
            Column("statut", choices=dict(Statut.choices)), Column("sensible", type="boolean"),
            Column("secteur", "secteur__slug"), Column("acteur", "acteur__slug"),
            Column("description"), Column("source"), Column("observe_le", type="datetime"),
            Column("cree_le", type="datetime"), Column("resolu_le", type="datetime"),
        ], id_column="uuid"),
        filterset_class=SignalementFilter, login_required=True,
        description="Signalements visibles par le compte connecté (règles de visibilité appliquées, "
                    "sans le nom de la personne qui a signalé). Date : réception.",
        temporal=Temporal("cree_le"), queryables=("statut", "categorie", "secteur", "acteur", "source"),
        extent=reports_extent,
    ),
]
