"""Walk annotations as vector tiles (`/api/v1/tuiles/annotations/{z}/{x}/{y}.mvt`,
commun.tuiles), for professionals only, as the annotations API shows them; `?marche=<id>`
narrows to one walk. Points, lines and zones; crowded tiles are grouped in cells."""

import django_filters
from django.db.models import Count, Max

from commun.tuiles import TileLayer

from .models import Annotation
from .permissions import is_professional


class AnnotationTileFilter(django_filters.FilterSet):
    marche = django_filters.NumberFilter(field_name="marche_id", label="Marche")

    class Meta:
        model = Annotation
        fields = ["marche"]


def rows(request):
    return Annotation.objects.all() if is_professional(request.user) else None


def version():
    found = Annotation.objects.aggregate(n=Count("id"), last=Max("id"), latest=Max("cree_le"))
    return f"{found['n']}:{found['last']}:{found['latest']}"


LAYER = TileLayer(
    key="annotations",
    rows=rows,
    properties={"uuid": "uuid", "marche": "marche_id", "critere": "critere"},
    filterset_class=AnnotationTileFilter,
    version=version,
    scope=lambda request: "professionnels",
    points=False,
    refused="Réservé aux professionnels connectés.",
)
