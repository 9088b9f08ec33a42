"""Figures on reports, computed in PostGIS/SQL, for dashboards and the public map."""

from datetime import timedelta

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Count, Q
from django.utils import timezone

from territoire.models import Secteur

from .models import Statut


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
