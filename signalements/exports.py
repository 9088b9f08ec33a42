"""Reports as an export: signed-in users only, visibility applied, no reporter's name
(a file leaves the application)."""

from commun.exports import Column, ExportLayer, ExportSpec

from .filters import SignalementFilter
from .models import Statut
from .permissions import visible_signalements

EXPORTS = [
    ExportLayer(
        "signalements", "Signalements", lambda request: visible_signalements(request.user),
        ExportSpec("signalements", [
            Column("uuid"), Column("categorie", "categorie__slug"), Column("categorie_nom", "categorie__nom"),
            Column("statut", choices=dict(Statut.choices)), Column("sensible"),
            Column("secteur", "secteur__slug"), Column("acteur", "acteur__slug"),
            Column("description"), Column("source"), Column("observe_le"), Column("cree_le"),
            Column("resolu_le"),
        ]),
        filterset_class=SignalementFilter, login_required=True,
    ),
]
