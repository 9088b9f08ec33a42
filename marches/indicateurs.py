"""Figures of the walks for dashboards and reviews."""

from django.db.models import Count
from django.utils import timezone

from .models import MarcheExploratoire, Preconisation, StatutPreconisation


def walk_figures():
    today = timezone.localdate()
    statuts = dict(StatutPreconisation.choices)
    counts = dict(Preconisation.objects.values_list("statut").annotate(n=Count("id")))
    return {
        "marches": MarcheExploratoire.objects.count(),
        "passees": MarcheExploratoire.objects.filter(fin__lt=timezone.now()).count(),
        "preconisations": [(label, counts.get(key, 0)) for key, label in statuts.items()],
        "total": sum(counts.values()),
        "depassees": Preconisation.objects.filter(
            echeance__lt=today,
            statut__in=[StatutPreconisation.PROPOSEE, StatutPreconisation.ACCEPTEE, StatutPreconisation.EN_COURS],
        ).count(),
    }
