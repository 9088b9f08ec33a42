"""Walk routes and participants' annotations as exports and OGC collections.

Professionals only, as everywhere walks are read (`permissions.is_professional`); an
annotation carries no participant, not even a pseudonym (a file leaves the application).
"""

from commun.exports import Column, ExportLayer, ExportSpec, Temporal

from .filters import AnnotationFilter, MarcheFilter
from .models import Annotation, MarcheExploratoire, Moment
from .permissions import is_professional


def marches_queryset(request):
    if not is_professional(request.user):
        return MarcheExploratoire.objects.none()
    return MarcheExploratoire.objects.filter(trace__isnull=False)


def annotations_queryset(request):
    if not is_professional(request.user):
        return Annotation.objects.none()
    return Annotation.objects.all()


EXPORTS = [
    ExportLayer(
        "marches", "Marches exploratoires (parcours)", marches_queryset,
        ExportSpec("marches", [
            Column("id", type="integer"), Column("titre"), Column("debut", type="datetime"),
            Column("fin", type="datetime"), Column("moment", choices=dict(Moment.choices)),
            Column("organisateur", "organisateur__slug"), Column("theme"),
        ], geom_field="trace", bbox_field="trace"),
        MarcheFilter, login_required=True,
        description="Parcours prévus des marches exploratoires (professionnels connectés).",
        temporal=Temporal("debut", "fin"), queryables=("moment",),
    ),
    ExportLayer(
        "annotations", "Annotations des marches exploratoires", annotations_queryset,
        ExportSpec("annotations", [
            Column("uuid"), Column("marche", "marche_id", type="integer"), Column("marche_titre", "marche__titre"),
            Column("etape", "etape__nom"), Column("texte"), Column("critere"),
            Column("observe_le", type="datetime"), Column("geometrie_reparee", type="boolean"),
        ], id_column="uuid"),
        AnnotationFilter, login_required=True,
        description="Ce que les participant·es ont relevé pendant les marches : point, ligne ou zone, texte, "
                    "critère de la grille (professionnels connectés, sans participant·e nommé·e).",
        temporal=Temporal("observe_le"), queryables=("marche", "critere"),
    ),
]
