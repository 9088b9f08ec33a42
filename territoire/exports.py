"""The territory's layers as exports (GeoJSON, CSV, GeoPackage): public, no person."""

from commun.exports import Column, ExportLayer, ExportSpec

from .filters import EquipementFilter, SecteurFilter
from .models import Equipement, Secteur, Territoire

EXPORTS = [
    ExportLayer(
        "territoires", "Périmètres des QPV", lambda request: Territoire.objects.all(),
        ExportSpec("territoires", [Column("id", type="integer"), Column("code"), Column("nom"), Column("commune"),
                                   Column("code_insee"), Column("demonstration", type="boolean"),
                                   Column("source")]),
        description="Périmètres des quartiers prioritaires de la politique de la ville.",
    ),
    ExportLayer(
        "secteurs", "Secteurs GUSP", lambda request: Secteur.objects.all(),
        ExportSpec("secteurs", [Column("id", type="integer"), Column("nom"), Column("slug"),
                                Column("territoire", "territoire__code"), Column("demonstration", type="boolean")]),
        SecteurFilter, description="Secteurs de la gestion urbaine et sociale de proximité (GUSP).",
    ),
    ExportLayer(
        "equipements", "Équipements", lambda request: Equipement.objects.all(),
        ExportSpec("equipements", [Column("id", type="integer"), Column("nom"), Column("type"), Column("adresse"),
                                   Column("gestionnaire", "gestionnaire__slug"),
                                   Column("demonstration", type="boolean")]),
        EquipementFilter, description="Équipements existants du quartier (centre socioculturel, gymnase, écoles…).",
        queryables=("type",),
    ),
]
