"""Figures of the walks for dashboards and reviews: the walks held in a period and the
follow-up of their préconisations today."""

from django.db.models import Count, Q
from django.utils import timezone

from .models import MarcheExploratoire, Preconisation, StatutPreconisation

OPEN = [StatutPreconisation.PROPOSEE, StatutPreconisation.ACCEPTEE, StatutPreconisation.EN_COURS]


def walk_figures(since, until):
    today = timezone.localdate()
    walks = MarcheExploratoire.objects.filter(debut__gte=since, debut__lt=until)
    preconisations = Preconisation.objects.filter(marche__in=walks)
    statuts = dict(StatutPreconisation.choices)
    counts = dict(preconisations.values_list("statut").annotate(n=Count("id")).order_by())
    held = walks.aggregate(n=Count("id"), passees=Count("id", filter=Q(fin__lt=timezone.now())))
    return {
        "marches": held["n"],
        "passees": held["passees"],
        "preconisations": [(label, counts.get(key, 0)) for key, label in statuts.items()],
        "total": sum(counts.values()),
        "depassees": preconisations.filter(echeance__lt=today, statut__in=OPEN).count(),
    }
