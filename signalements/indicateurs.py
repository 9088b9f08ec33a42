"""Figures on reports, computed in PostGIS/SQL, for dashboards and the public map."""

from datetime import timedelta

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from commun.indicateurs import Median, days, percent, with_bars
from territoire.models import Secteur

from .models import OUVERTS, Categorie, Signalement, Statut

PUBLIC_KEY = "indicateur:secteurs-resolus"
PUBLIC_SECONDS = 600


def resolved_by_sector_cached():
    """`resolved_by_sector()` kept 10 minutes in the shared cache; a report's status
    change forgets it at once (`forget_public_figures`, connected in apps.py)."""
    rows = cache.get(PUBLIC_KEY)
    if rows is None:
        rows = list(resolved_by_sector())
        cache.set(PUBLIC_KEY, rows, PUBLIC_SECONDS)
    return rows


def resolved_counts():
    return {row["slug"]: row["resolus"] for row in resolved_by_sector_cached()}


WATCHED = {"statut", "resolu_le", "sensible", "secteur", "secteur_id"}


def forget_public_figures(sender=None, instance=None, created=False, update_fields=None, **kwargs):
    """Signal receiver: a report that changed status (or was deleted) changes the public
    figure. A new report does not (it is not resolved), so the report's POST writes
    nothing to the cache."""
    if created or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    cache.delete(PUBLIC_KEY)
    transaction.on_commit(lambda: cache.delete(PUBLIC_KEY))


def resolved_by_sector(months=12):
    """Per sector, its reports resolved in `months` months, none sensitive: one count per
    sector on the partial index of public resolved reports (not a join of every report)."""
    since = timezone.now() - timedelta(days=round(months * 30.44))
    resolved = (
        Signalement.objects.filter(secteur=OuterRef("pk"), statut=Statut.RESOLU, sensible=False,
                                   resolu_le__gte=since)
        .order_by().values("secteur").annotate(n=Count("id")).values("n")
    )
    return (
        Secteur.objects.annotate(
            resolus=Coalesce(Subquery(resolved), 0),
            geojson=AsGeoJSON(Transform("geom", 4326), precision=6),
        )
        .order_by("nom")
        .values("id", "nom", "slug", "resolus", "geojson")
    )


def received(since, until):
    return Signalement.objects.filter(cree_le__gte=since, cree_le__lt=until)


def open_at(moment):
    """Reports open at `moment`: received before it and neither closed nor resolved by then
    (a resolved report has its time; a rejected or duplicate one counts as closed)."""
    return Signalement.objects.filter(cree_le__lt=moment).filter(
        Q(statut__in=OUVERTS) | Q(statut=Statut.RESOLU, resolu_le__gt=moment))


def report_figures(since, until):
    """Received in [since, until), resolved among them, open and late at the end of the
    period; resolution time and share within the target delay."""
    now = min(until, timezone.now())
    recent = received(since, until)
    resolved = Q(statut=Statut.RESOLU, resolu_le__lte=now)
    still_open = Q(statut__in=OUVERTS) | Q(statut=Statut.RESOLU, resolu_le__gt=now)
    resolution = F("resolu_le") - F("cree_le")
    per_acteur = (
        recent.values("acteur__nom", "acteur__sigle")
        .annotate(
            recus=Count("id"),
            resolus=Count("id", filter=resolved),
            dans_delai=Count("id", filter=resolved & Q(resolu_le__lte=F("echeance"))),
            ouverts=Count("id", filter=still_open),
            en_retard=Count("id", filter=still_open & Q(echeance__lt=now)),
            mediane=Median(resolution, filter=resolved),
        )
        .order_by("-recus", "acteur__nom")
    )
    totals = recent.aggregate(
        recus=Count("id"),
        resolus=Count("id", filter=resolved),
        dans_delai=Count("id", filter=resolved & Q(resolu_le__lte=F("echeance"))),
        mediane=Median(resolution, filter=resolved),
        sensibles=Count("id", filter=Q(sensible=True)),
        marches=Count("id", filter=Q(source="marche")),
    )
    open_now = open_at(now).aggregate(
        ouverts=Count("id"), en_retard=Count("id", filter=Q(echeance__lt=now))
    )
    rows = [
        {
            "acteur": r["acteur__sigle"] or r["acteur__nom"] or "non routé",
            "recus": r["recus"], "resolus": r["resolus"], "ouverts": r["ouverts"],
            "en_retard": r["en_retard"], "mediane_jours": days(r["mediane"]),
            "dans_delai_pct": percent(r["dans_delai"], r["resolus"]),
        }
        for r in per_acteur
    ]
    return {
        **totals, **open_now,
        "mediane_jours": days(totals["mediane"]),
        "dans_delai_pct": percent(totals["dans_delai"], totals["resolus"]),
        "par_acteur": rows,
    }


def reports_by_category(since, until):
    roots = {c.id: c for c in Categorie.objects.filter(parent__isnull=True)}
    counts = {}
    for row in (received(since, until)
                .values("categorie__parent_id", "categorie_id").annotate(n=Count("id"))):
        root = row["categorie__parent_id"] or row["categorie_id"]
        counts[root] = counts.get(root, 0) + row["n"]
    rows = [{"nom": roots[k].nom, "icone": roots[k].icone, "n": n} for k, n in counts.items() if k in roots]
    return with_bars(sorted(rows, key=lambda r: -r["n"]))


def reports_by_month(since, until):
    rows = [
        {"mois": r["mois"], "n": r["n"], "resolus": r["resolus"]}
        for r in received(since, until)
        .annotate(mois=TruncMonth("cree_le")).values("mois")
        .annotate(n=Count("id"), resolus=Count("id", filter=Q(statut=Statut.RESOLU))).order_by("mois")
    ]
    return with_bars(rows)


def reports_by_sector(since, until):
    rows = [
        {"nom": r["secteur__nom"] or "hors secteur", "n": r["n"], "ouverts": r["ouverts"]}
        for r in received(since, until).values("secteur__nom")
        .annotate(n=Count("id"), ouverts=Count("id", filter=Q(statut__in=OUVERTS))).order_by("-n")
    ]
    return with_bars(rows)


def hot_spots(since, until, cell_m=100, limit=12):
    """Where reports received in the period gather: cells of `cell_m` metres (storage SRID)
    with their count, the busiest first; sensitive reports count but are never placed
    more precisely than the cell."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_X(c) AS x, ST_Y(c) AS y, n FROM (
              SELECT ST_Centroid(ST_Collect(geom)) AS c, count(*) AS n
              FROM signalements_signalement
              WHERE cree_le >= %s AND cree_le < %s
              GROUP BY ST_SnapToGrid(geom, %s)
            ) cells ORDER BY n DESC LIMIT %s
            """,
            [since, until, cell_m, limit],
        )
        return [{"x": x, "y": y, "n": n} for x, y, n in cursor.fetchall()]
