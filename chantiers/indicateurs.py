"""Figures of the renewal programme for dashboards and reviews, every one an SQL aggregate."""

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from commun.indicateurs import day_span, percent

from .models import TERMINES, Chantier, Jalon
from .models import Statut as StatutChantier


def late_milestones(since, until):
    """Milestones due in the period (and before today) reached late or not reached."""
    first, last = day_span(since, until)
    last = min(last, timezone.localdate())
    return (Jalon.objects.filter(date_prevue__gte=first, date_prevue__lt=last)
            .filter(Q(date_reelle__isnull=True) | Q(date_reelle__gt=F("date_prevue"))))


def chantier_figures(since, until):
    """Operations under way in the period (actual dates first, planned otherwise), their
    homes and insertion hours, those delivered in it, and the milestones missed in it."""
    today = timezone.localdate()
    first, last = day_span(since, until)
    # Under way in the period by their dates, or still unfinished (late) after starting.
    unfinished = (Q(fin_reelle__isnull=True) & ~Q(statut__in=TERMINES)
                  & (Q(debut_reel__lte=last) | Q(debut_reel__isnull=True, debut_prevu__lte=last)))
    operations = Chantier.objects.filter(Q(pk__in=Chantier.objects.during(first, last).values("pk")) | unfinished)
    totals = operations.aggregate(
        n=Count("id"),
        en_travaux=Count("id", filter=Q(statut=StatutChantier.TRAVAUX)),
        livres=Count("id", filter=Q(statut=StatutChantier.LIVRE)),
        livres_periode=Count("id", filter=Q(fin_reelle__gte=first, fin_reelle__lte=last)),
        en_retard=Count("id", filter=Q(fin_prevue__lt=today, fin_reelle__isnull=True) & ~Q(statut__in=TERMINES)),
        demolis=Sum("logements_demolis"), rehabilites=Sum("logements_rehabilites"),
        construits=Sum("logements_construits"),
        heures_prevues=Sum("heures_insertion_prevues"), heures_realisees=Sum("heures_insertion_realisees"),
        beneficiaires=Sum("beneficiaires_qpv"), budget=Sum("budget"),
    )
    totals["jalons_en_retard"] = late_milestones(since, until).count()
    totals["heures_pct"] = percent(totals["heures_realisees"] or 0, totals["heures_prevues"] or 0)
    return totals
