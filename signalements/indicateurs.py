"""Figures on reports, computed in PostGIS/SQL, for dashboards and the public map."""

from datetime import timedelta

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from commun.indicateurs import Median, days, percent, with_bars
from territoire.models import Secteur

from .models import OUVERTS, Categorie, Signalement, Statut


def resolved_by_sector(months=12):
    since = timezone.now() - timedelta(days=round(months * 30.44))
    return (
        Secteur.objects.annotate(
            resolus=Count(
                "signalements",
                filter=Q(signalements__statut=Statut.RESOLU, signalements__sensible=False,
                         signalements__resolu_le__gte=since),
            ),
            geojson=AsGeoJSON(Transform("geom", 4326), precision=6),
        )
        .order_by("nom")
        .values("id", "nom", "slug", "resolus", "geojson")
    )


def report_figures(since):
    """Received, resolved, open, late; resolution time and share within the target delay."""
    now = timezone.now()
    recent = Signalement.objects.filter(cree_le__gte=since)
    resolution = F("resolu_le") - F("cree_le")
    per_acteur = (
        recent.values("acteur__nom", "acteur__sigle")
        .annotate(
            recus=Count("id"),
            resolus=Count("id", filter=Q(statut=Statut.RESOLU)),
            dans_delai=Count("id", filter=Q(statut=Statut.RESOLU, resolu_le__lte=F("echeance"))),
            ouverts=Count("id", filter=Q(statut__in=OUVERTS)),
            en_retard=Count("id", filter=Q(statut__in=OUVERTS, echeance__lt=now)),
            mediane=Median(resolution, filter=Q(statut=Statut.RESOLU)),
        )
        .order_by("-recus")
    )
    totals = recent.aggregate(
        recus=Count("id"),
        resolus=Count("id", filter=Q(statut=Statut.RESOLU)),
        dans_delai=Count("id", filter=Q(statut=Statut.RESOLU, resolu_le__lte=F("echeance"))),
        mediane=Median(resolution, filter=Q(statut=Statut.RESOLU)),
        sensibles=Count("id", filter=Q(sensible=True)),
        marches=Count("id", filter=Q(source="marche")),
    )
    open_now = Signalement.objects.filter(statut__in=OUVERTS).aggregate(
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


def reports_by_category(since):
    roots = {c.id: c for c in Categorie.objects.filter(parent__isnull=True)}
    counts = {}
    for row in (Signalement.objects.filter(cree_le__gte=since)
                .values("categorie__parent_id", "categorie_id").annotate(n=Count("id"))):
        root = row["categorie__parent_id"] or row["categorie_id"]
        counts[root] = counts.get(root, 0) + row["n"]
    rows = [{"nom": roots[k].nom, "icone": roots[k].icone, "n": n} for k, n in counts.items() if k in roots]
    return with_bars(sorted(rows, key=lambda r: -r["n"]))


def reports_by_month(since):
    rows = [
        {"mois": r["mois"], "n": r["n"], "resolus": r["resolus"]}
        for r in Signalement.objects.filter(cree_le__gte=since)
        .annotate(mois=TruncMonth("cree_le")).values("mois")
        .annotate(n=Count("id"), resolus=Count("id", filter=Q(statut=Statut.RESOLU))).order_by("mois")
    ]
    return with_bars(rows)


def reports_by_sector(since):
    rows = [
        {"nom": r["secteur__nom"] or "hors secteur", "n": r["n"], "ouverts": r["ouverts"]}
        for r in Signalement.objects.filter(cree_le__gte=since).values("secteur__nom")
        .annotate(n=Count("id"), ouverts=Count("id", filter=Q(statut__in=OUVERTS))).order_by("-n")
    ]
    return with_bars(rows)
