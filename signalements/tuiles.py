"""Reports as vector tiles (`/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt`, commun.tuiles).

Professionals get the reports they may see (`visible_signalements`, the list's filter
set); a feature carries only its UUID, status and category, the popup asks the detail
API. Anyone else gets the public aggregate: the sectors with their number of reports
resolved in 12 months, never a report.
"""

from django.core.cache import cache
from django.db.models import Case, IntegerField, Max, Value, When

from commun import roles
from commun.tuiles import TileLayer
from territoire.models import Secteur

from .filters import SignalementFilter
from .indicateurs import resolved_counts
from .models import Signalement
from .permissions import visibility_key, visible_signalements

DELETIONS_KEY = "signalements:suppressions"


def rows(request):
    if not roles.is_staff_member(request.user):
        return None
    return visible_signalements(request.user, Signalement.objects.all())


def public_sectors(request):
    counts = resolved_counts()
    resolus = Case(*[When(slug=slug, then=Value(n)) for slug, n in counts.items()], default=Value(0),
                   output_field=IntegerField())
    return Secteur.objects.annotate(resolus_12_mois=resolus)


def version():
    """Changes with every report written (`mis_a_jour_le` is set on every save; one
    probe of its index) and every report deleted (a counter bumped by a signal)."""
    latest = Signalement.objects.aggregate(m=Max("mis_a_jour_le"))["m"]
    return f"{latest.isoformat() if latest else '-'}:{cache.get(DELETIONS_KEY, 0)}"


def count_deletion(**kwargs):
    """Signal receiver: a deleted report changes the tiles' version."""
    try:
        cache.incr(DELETIONS_KEY)
    except ValueError:
        cache.set(DELETIONS_KEY, 1, None)


LAYER = TileLayer(
    key="signalements",
    rows=rows,
    properties={"uuid": "uuid", "statut": "statut", "categorie": "categorie__slug"},
    public=public_sectors,
    public_properties={"nom": "nom", "slug": "slug", "resolus_12_mois": "resolus_12_mois"},
    filterset_class=SignalementFilter,
    version=version,
    scope=lambda request: visibility_key(request.user),
    # A phone draws each point as an SVG path: two tiles of ~800 points blocked its main
    # thread for 518 ms (Lighthouse, pilot's /carte/ on the load test's 1,671 reports).
    # Beyond 500 rows a tile comes grouped; the demo's 422 reports stay points.
    max_points=500,
)
