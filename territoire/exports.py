"""The territory's layers as exports (GeoJSON, CSV, GeoPackage): public, no person."""

from commun.exports import Column, ExportLayer, ExportSpec

from .models import Equipement, Secteur, Territoire

EXPORTS = [
    ExportLayer(
        "territoires", "Périmètres des QPV", lambda request: Territoire.objects.all(),
        ExportSpec("territoires", [Column("id"), Column("code"), Column("nom"), Column("commune"),
                                   Column("code_insee"), Column("demonstration"), Column("source")]),
    ),
    ExportLayer(
        "secteurs", "Secteurs GUSP", lambda request: Secteur.objects.all(),
        ExportSpec("secteurs", [Column("id"), Column("nom"), Column("slug"),
                                Column("territoire", "territoire__code"), Column("demonstration")]),
    ),
    ExportLayer(
        "equipements", "Équipements", lambda request: Equipement.objects.all(),
        ExportSpec("equipements", [Column("id"), Column("nom"), Column("type"), Column("adresse"),
                                   Column("gestionnaire", "gestionnaire__slug"), Column("demonstration")]),
    ),
]
