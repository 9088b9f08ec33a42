"""Figures of the renewal programme for dashboards and reviews, every one an SQL aggregate."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from commun.indicateurs import percent

from .models import TERMINES, Chantier, Jalon
from .models import Statut as StatutChantier


def chantier_figures():
    today = timezone.localdate()
    totals = Chantier.objects.aggregate(
        n=Count("id"),
        en_travaux=Count("id", filter=Q(statut=StatutChantier.TRAVAUX)),
        livres=Count("id", filter=Q(statut=StatutChantier.LIVRE)),
        en_retard=Count("id", filter=Q(fin_prevue__lt=today, fin_reelle__isnull=True) & ~Q(statut__in=TERMINES)),
        demolis=Sum("logements_demolis"), rehabilites=Sum("logements_rehabilites"),
        construits=Sum("logements_construits"),
        heures_prevues=Sum("heures_insertion_prevues"), heures_realisees=Sum("heures_insertion_realisees"),
        beneficiaires=Sum("beneficiaires_qpv"), budget=Sum("budget"),
    )
    totals["jalons_en_retard"] = Jalon.objects.filter(date_prevue__lt=today, date_reelle__isnull=True).count()
    totals["heures_pct"] = percent(totals["heures_realisees"] or 0, totals["heures_prevues"] or 0)
    return totals
